#!/bin/sh
# Like the official redis image's entry script.
set -e

# `docker run redis:7.0 --appendonly yes` or `docker run redis:7.0 /etc/redis.conf`: redis-server's arguments
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ]; then
	# No config file: protected mode off (upstream's image compiles it so); later arguments still win.
	case "${2:-}" in
		--protected-mode | -v | --version | -h | --help | --test-memory | --check-system) ;;
		'' | -*) shift; set -- redis-server --protected-mode no "$@" ;;
	esac
	# Started as root: give /data to redis and drop to it (`--user` still works).
	if [ "$(id -u)" = '0' ]; then
		find . \! -user redis -exec chown redis '{}' +
		exec /usr/local/bin/setpriv --reuid=999 --regid=999 --clear-groups "$0" "$@"
	fi
fi

um="$(umask)"
if [ "$um" = '0022' ]; then
	umask 0077
fi

exec "$@"
