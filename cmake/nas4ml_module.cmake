# nas4ml_module(<name> [DEPS <targets...>])
# One static library per module: sources are src/<name>/*.cpp, public headers
# include/nas4ml/<name>/*.hpp. The target is nas4ml_<name>, aliased nas4ml::<name>.
function(nas4ml_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  add_library(nas4ml_${name} STATIC ${sources} ${ARG_EXTRA_SOURCES})
  add_library(nas4ml::${name} ALIAS nas4ml_${name})
  target_include_directories(nas4ml_${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(nas4ml_${name} PUBLIC ${ARG_DEPS} PRIVATE nas4ml_settings)
  # Position-independent, so the Python extension (python/) can link the same libraries.
  set_target_properties(nas4ml_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# nas4ml_module_tests(<module> [DEPS <targets...>])
# One test program per module from tests/<module>/*_test.cpp, registered with ctest.
function(nas4ml_module_tests name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${name}/*_test.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name}_tests ${sources})
  target_link_libraries(${name}_tests PRIVATE nas4ml_test_support ${ARG_DEPS} nas4ml_settings)
  if(TARGET nas4ml_${name})
    target_link_libraries(${name}_tests PRIVATE nas4ml::${name})
  endif()
  catch_discover_tests(${name}_tests WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} TEST_PREFIX "${name}:")
endfunction()
