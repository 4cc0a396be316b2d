# rungs/version.hpp: the version, and the git revision recorded in every
# archive. The revision is read at every build, not once at configure time,
# so a build after new commits records the new one; the header is rewritten
# only when its content changes, so an unchanged revision rebuilds nothing.
# A tarball build (no .git) says "unknown".
find_package(Git QUIET)
set(RUNGS_VERSION_HEADER "${PROJECT_BINARY_DIR}/generated/rungs/version.hpp")
add_custom_target(rungs_version
  COMMAND "${CMAKE_COMMAND}"
          -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DGIT_EXECUTABLE=${GIT_EXECUTABLE}
          -DVERSION=${PROJECT_VERSION}
          -DOUTPUT=${RUNGS_VERSION_HEADER}
          -P "${PROJECT_SOURCE_DIR}/cmake/WriteVersion.cmake"
  BYPRODUCTS "${RUNGS_VERSION_HEADER}"
  COMMENT "rungs: recording the git revision"
  VERBATIM)
