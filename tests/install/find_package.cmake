# ctest install_find_package: `cmake --install` the build into PREFIX, then configure, build and run
# tests/install/consumer against it with find_package(eslabon), the way another project would.
#     cmake -DBUILD=build -DPREFIX=dir -DWORK=dir -DSOURCE=repo [-DLAUNCHER=ccache] -P find_package.cmake
file(REMOVE_RECURSE ${PREFIX} ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX} OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
foreach(installed lib/cmake/eslabon/eslabonConfig.cmake lib/cmake/eslabon/eslabonConfigVersion.cmake
                  include/eslabon/core/version.hpp include/eslabon/models/config/loader.hpp bin/eslabon)
  if(NOT EXISTS ${PREFIX}/${installed})
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()
set(launcher "")
if(LAUNCHER)
  set(launcher -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
# Nothing of the build tree on the consumer's path: only the installed prefix.
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE}/tests/install/consumer -B ${WORK} -DCMAKE_BUILD_TYPE=Release
                        -DCMAKE_PREFIX_PATH=${PREFIX} ${launcher} OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${WORK}/consumer ${SOURCE}/configs/chain.yaml COMMAND_ERROR_IS_FATAL ANY)
