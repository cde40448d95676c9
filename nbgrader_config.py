"""nbgrader settings for 도커를 익히다 — see docs/instructor-guide.md."""
from helpers.grading import CODE_STUB, LEARNER_FILES, TEXT_STUB, clean_before_grading
from helpers.grading.gradebook import cell_timeout

c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.course_id = "learn-docker-ko"
c.CourseDirectory.root = "."
c.Execute.timeout = cell_timeout()  # one limit per cell for plain and isolated grading (LEARN_DOCKER_CELL_TIMEOUT)
c.Autograde.exclude_overwriting = LEARNER_FILES  # learners' own Dockerfile etc. stay as submitted
c.Autograde.pre_convert_hook = clean_before_grading  # each submission starts from a clean exercise state
c.ClearSolutions.code_stub = CODE_STUB
c.ClearSolutions.text_stub = TEXT_STUB
