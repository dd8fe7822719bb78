# The installed package works for a program outside this tree (docs/library.md):
# installs the build into a fresh prefix, builds examples/ against it with
# find_package(basinkit CONFIG) and runs both programs on the demo plan, then builds the
# C example once more with nothing but `pkg-config basinkit` and runs it too.
#
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... \
#         -DC_COMPILER=... -DCXX_COMPILER=... -P package_test.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR C_COMPILER CXX_COMPILER)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "package_test.cmake: -D${var}= is required")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(plan ${SOURCE_DIR}/data/shapefiles/plan.yaml)
set(rules ${SOURCE_DIR}/data/shapefiles/rules.yaml)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

# Runs an example on the demo point and checks it says "prohibited".
function(screen_demo_site program)
  run("${program}" ${program} ${plan} ${rules})
  message(STATUS "${program}:\n${output}")
  if(NOT output MATCHES "verdict: prohibited")
    message(FATAL_ERROR "${program}: expected 'verdict: prohibited', got:\n${output}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(file include/basinkit/basinkit_c.h include/basinkit/plan.hpp include/basinkit/version.hpp
             bin/basinkit)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()
file(GLOB_RECURSE private_headers ${prefix}/include/*/compiled_rules.hpp ${prefix}/include/*.in)
if(private_headers)
  message(FATAL_ERROR "private files installed: ${private_headers}")
endif()
file(GLOB_RECURSE config ${prefix}/*/basinkitConfig.cmake)
file(GLOB_RECURSE pc ${prefix}/*/basinkit.pc)
if(NOT config OR NOT pc)
  message(FATAL_ERROR "basinkitConfig.cmake or basinkit.pc not installed")
endif()

# find_package(basinkit CONFIG), as a consumer would.
run("configure examples" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples -B ${WORK_DIR}/build
    -G ${GENERATOR} -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DCMAKE_PREFIX_PATH=${prefix})
run("build examples" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
screen_demo_site(${WORK_DIR}/build/screen_site_cpp)
screen_demo_site(${WORK_DIR}/build/screen_site_c)

# pkg-config: the flags of the installed basinkit.pc, then the C example built with them.
get_filename_component(pc_dir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
run("pkg-config" pkg-config --cflags --libs basinkit)
string(STRIP "${output}" text)
message(STATUS "pkg-config --cflags --libs basinkit: ${text}")
if(NOT text MATCHES "-I[^ ]*/include" OR NOT text MATCHES "-lbasinkit")
  message(FATAL_ERROR "pkg-config --cflags --libs basinkit: unexpected '${text}'")
endif()
separate_arguments(flags UNIX_COMMAND "${text}")
run("pkg-config libdir" pkg-config --variable=libdir basinkit)
string(STRIP "${output}" libdir)
list(APPEND flags -Wl,-rpath,${libdir})  # for a shared libbasinkit.so in the temp prefix
run("cc with pkg-config" ${C_COMPILER} -std=c99 -Wall -Wextra -Werror
    ${SOURCE_DIR}/examples/screen_site.c -o ${WORK_DIR}/screen_site_pc ${flags})
screen_demo_site(${WORK_DIR}/screen_site_pc)
