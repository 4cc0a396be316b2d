# Run by the rungs_version target at build time (cmake -P): writes OUTPUT
# from cmake/version.hpp.in with VERSION and the current git revision.
set(RUNGS_GIT_REVISION "unknown")
if(GIT_EXECUTABLE AND EXISTS "${SOURCE_DIR}/.git")
  execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --short=12 HEAD
                  WORKING_DIRECTORY "${SOURCE_DIR}"
                  OUTPUT_VARIABLE _rev OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE _rc)
  if(_rc EQUAL 0 AND _rev)
    set(RUNGS_GIT_REVISION "${_rev}")
  endif()
endif()
set(PROJECT_VERSION "${VERSION}")
# configure_file leaves OUTPUT untouched when the content is the same.
configure_file("${SOURCE_DIR}/cmake/version.hpp.in" "${OUTPUT}" @ONLY)
