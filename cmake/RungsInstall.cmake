# `cmake --install` puts the binaries, the core library and its headers in
# place, with a package config so that a user's project can do
#   find_package(rungs REQUIRED)
#   target_link_libraries(app PRIVATE rungs::core)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_rungs_programs rungs)
if(RUNGS_BUILD_SWEEP)
  list(APPEND _rungs_programs rungs-sweep rungs-mpirun)
endif()
install(TARGETS ${_rungs_programs} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set_target_properties(rungs_core PROPERTIES EXPORT_NAME core)
install(TARGETS rungs_core EXPORT rungsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/rungs/core
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rungs FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/generated/rungs/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/rungs)
install(EXPORT rungsTargets NAMESPACE rungs::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rungs)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/rungsConfig.cmake.in
  ${PROJECT_BINARY_DIR}/rungsConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rungs)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/rungsConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/rungsConfig.cmake ${PROJECT_BINARY_DIR}/rungsConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/rungs)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/configs ${PROJECT_SOURCE_DIR}/slurm
        DESTINATION ${CMAKE_INSTALL_DATADIR}/rungs)
