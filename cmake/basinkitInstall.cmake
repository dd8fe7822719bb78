# install() rules and the CMake/pkg-config package of basinkit (docs/library.md).
#
#   cmake --install build --prefix /opt/basinkit
#
# installs bin/basinkit, lib/libbasinkit.a (or .so with -DBUILD_SHARED_LIBS=ON), the
# public headers (lib/include/basinkit/ and the generated version.hpp; lib/src/ stays
# private), lib/cmake/basinkit/ for find_package(basinkit CONFIG) and
# lib/pkgconfig/basinkit.pc.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(BASINKIT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/basinkit)

get_target_property(_basinkit_type basinkit TYPE)
if(_basinkit_type STREQUAL "SHARED_LIBRARY")
  set(BASINKIT_SHARED ON)
  # The C API and C++ API are stable within a major version (SameMajorVersion below).
  set_target_properties(basinkit PROPERTIES VERSION ${PROJECT_VERSION}
                                            SOVERSION ${PROJECT_VERSION_MAJOR})
  set_target_properties(basinkit_cli PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
else()
  set(BASINKIT_SHARED OFF)
endif()

install(TARGETS basinkit EXPORT basinkitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/basinkit
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/lib/include/basinkit/version.hpp
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/basinkit)
install(TARGETS basinkit_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT basinkitTargets NAMESPACE basinkit:: DESTINATION ${BASINKIT_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/basinkitConfig.cmake.in
  ${PROJECT_BINARY_DIR}/basinkitConfig.cmake INSTALL_DESTINATION ${BASINKIT_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/basinkitConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/basinkitConfig.cmake
              ${PROJECT_BINARY_DIR}/basinkitConfigVersion.cmake
  DESTINATION ${BASINKIT_CMAKE_DIR})

# The .pc file finds its prefix from its own location, so the tree can be moved
# (cmake --install --prefix elsewhere than CMAKE_INSTALL_PREFIX).
foreach(_dir CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR)
  if(IS_ABSOLUTE "${${_dir}}")
    message(FATAL_ERROR "basinkit.pc needs a relative ${_dir}, got ${${_dir}}")
  endif()
endforeach()
file(RELATIVE_PATH BASINKIT_PC_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" BASINKIT_PC_PREFIX "${BASINKIT_PC_PREFIX}")
# What libbasinkit links itself (shared) or leaves to the final link (static). A static
# libbasinkit.a cannot be used without them, so there they go in Libs, and a plain
# `pkg-config --libs basinkit` works either way. They are named directly rather than as
# Requires.private: `pkg-config --static` would expand those into GDAL's whole static
# dependency closure, which distributions do not ship.
set(_basinkit_pc_deps " -lgdal -lgeos_c -lproj -lyaml-cpp -lfmt -lcrypto -lstdc++ -lm -pthread")
if(BASINKIT_SHARED)
  set(BASINKIT_PC_LIBS "")
  set(BASINKIT_PC_LIBS_PRIVATE "${_basinkit_pc_deps}")
else()
  set(BASINKIT_PC_LIBS "${_basinkit_pc_deps}")
  set(BASINKIT_PC_LIBS_PRIVATE "")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/basinkit.pc.in ${PROJECT_BINARY_DIR}/basinkit.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/basinkit.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
