#!/bin/sh
# First stage of the httpd recipe: install Debian's apache2, then gather in /out only what the image
# needs (Apache, its modules and tools, its config, the libraries it loads), laid out like the
# official httpd image. The final stage copies /out onto a fresh debian:bookworm.
set -eu
export DEBIAN_FRONTEND=noninteractive

dpkg-query -W -f '${Package}\n' | sort > /tmp/before
apt-get update
apt-get install -y --no-install-recommends apache2
dpkg-query -W -f '${Package}\n' | sort > /tmp/after

# Perl and procps come only for Debian's helper and init scripts (a2enmod ...); the official image has
# neither. libgdbm stays: apr-util's gdbm driver (htdbm, mod_authn_dbm) loads it.
skip='^(perl|perl-modules-.*|libperl.*|libgdbm-compat.*|procps|libproc2-.*|libncursesw6)$'
mkdir /out
# Paths are copied by their real location (/lib is a symlink to usr/lib on bookworm: a real /lib
# in /out would replace it), with the modes and owners of their parent directories (cp --parents).
comm -13 /tmp/before /tmp/after | grep -Ev "$skip" | xargs dpkg -L | grep '^/' \
  | grep -Ev '^/(usr/share/(doc|man|lintian|bug|locale)|etc/(init\.d|cron\.daily|logrotate\.d)|(usr/)?lib/systemd)(/|$)' \
  | while read -r path; do
      if [ -d "$path" ] && [ ! -L "$path" ]; then continue; fi
      cp -a --parents "$(realpath "$(dirname "$path")")/$(basename "$path")" /out
    done

# Apache's own trees, as the maintainer scripts left them (enabled modules and sites, log and cache dirs).
mkdir -p /run/apache2 /run/lock/apache2 /usr/local/apache2/htdocs /usr/local/apache2/bin
cp -a --parents /etc/apache2 /var/log/apache2 /var/cache/apache2 /var/lib/apache2 /usr/lib/cgi-bin \
  /run/apache2 /run/lock/apache2 /usr/local/apache2 /out

# No Perl in the image: drop the Perl helpers (a2enmod ...) and the links to them.
for f in /out/usr/sbin/* /out/usr/bin/*; do
  if [ -f "$f" ] && [ ! -L "$f" ] && head -n 1 "$f" | grep -q perl; then rm -f "$f"; fi
done
for f in /out/usr/sbin/* /out/usr/bin/*; do
  if [ -L "$f" ] && [ ! -e "$f" ]; then rm -f "$f"; fi
done

# The official layout: pages in /usr/local/apache2/htdocs, logs to stdout/stderr, tools in bin/.
cd /out/usr/local/apache2
printf '<html><body><h1>It works!</h1></body></html>\n' > htdocs/index.html
sed -i 's#/var/www/html#/usr/local/apache2/htdocs#' /out/etc/apache2/sites-available/000-default.conf
printf '<Directory /usr/local/apache2/htdocs>\n  Require all granted\n</Directory>\nServerName localhost\n' \
  > /out/etc/apache2/conf-enabled/course-htdocs.conf
ln -sf /dev/stdout /out/var/log/apache2/access.log
ln -sf /dev/stderr /out/var/log/apache2/error.log
ln -sf /dev/stdout /out/var/log/apache2/other_vhosts_access.log
ln -s /etc/apache2 conf
ln -s /usr/lib/apache2/modules modules
ln -s /var/log/apache2 logs
ln -s /usr/share/apache2/icons icons
ln -s /usr/share/apache2/error error
ln -s /usr/lib/cgi-bin cgi-bin
# `httpd` as in the official image: Debian's apache2 with the environment its config expects.
printf '#!/bin/sh\n. /etc/apache2/envvars\nexec /usr/sbin/apache2 "$@"\n' > bin/httpd
chmod 755 bin/httpd
ln -s /usr/sbin/apache2ctl bin/apachectl
for tool in ab checkgid fcgistarter htcacheclean htdbm htdigest htpasswd logresolve rotatelogs httxt2dbm; do
  for dir in /usr/bin /usr/sbin; do
    if [ -e "/out$dir/$tool" ]; then ln -s "$dir/$tool" "bin/$tool"; fi
  done
done
