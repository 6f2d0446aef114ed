# cmake -DCXX=... -DSOURCE=... -DINCLUDE_DIR=... -DLINK_DIR=... -DOUTPUT=... -P CheckJniStyleLink.cmake
# Links SOURCE into a shared library with the flags JavaCPP uses on linux-x86_64 (-fPIC -pthread -shared
# -Wl,-Bsymbolic, -L<linkpath> -lconvscope_core), refusing undefined symbols, then checks the library's
# NEEDED entries: no CUDA runtime, no LibTorch, no OpenMP runtime.
execute_process(
  COMMAND "${CXX}" -std=c++17 -O2 -fPIC -pthread -shared -Wl,-Bsymbolic -Wl,--no-undefined
          "-I${INCLUDE_DIR}" "${SOURCE}" "-L${LINK_DIR}" -lconvscope_core -o "${OUTPUT}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "linking like JavaCPP failed:\n${out}${err}")
endif()
execute_process(COMMAND readelf -d "${OUTPUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE dynamic)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${OUTPUT} failed")
endif()
string(REGEX MATCHALL "Shared library: \\[[^]]+\\]" needed "${dynamic}")
message(STATUS "NEEDED: ${needed}")
foreach(forbidden cudart libcuda torch c10 gomp iomp)
  if(needed MATCHES "${forbidden}")
    message(FATAL_ERROR "the JNI-style library depends on '${forbidden}': ${needed}")
  endif()
endforeach()
