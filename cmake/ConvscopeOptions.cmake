# Build options of convscope's native core, and the compiler settings every native target shares.
#
#   CONVSCOPE_WITH_CUDA   AUTO (default) | ON | OFF
#       AUTO compiles the CUDA kernels when check_language(CUDA) finds nvcc; ON makes a missing nvcc a
#       configure error; OFF never looks. A CUDA build needs only nvcc to compile and link: the kernels run
#       only where a driver and a device exist, and report CS_CUDA_UNAVAILABLE / a device count of 0
#       elsewhere.
#   CONVSCOPE_WITH_TORCH  AUTO (default) | ON | OFF
#       The LibTorch-linked benchmark runner in native/runner/ (convscope-bench) and its CTest tests. AUTO
#       builds it when find_package(Torch QUIET) succeeds (Debian's libtorch-dev is found with no hints;
#       elsewhere pass -DTorch_DIR=<libtorch>/share/cmake/Torch or -DCMAKE_PREFIX_PATH=<libtorch>); ON makes
#       a missing Torch a configure error; OFF never looks. convscope_core never links LibTorch either way.

include_guard(GLOBAL)
include(CheckLanguage)

set(CONVSCOPE_WITH_CUDA "AUTO" CACHE STRING "Compile the CUDA kernels: AUTO, ON or OFF")
set_property(CACHE CONVSCOPE_WITH_CUDA PROPERTY STRINGS AUTO ON OFF)
set(CONVSCOPE_WITH_TORCH "AUTO" CACHE STRING "Build the LibTorch-linked runner in native/runner/: AUTO, ON or OFF")
set_property(CACHE CONVSCOPE_WITH_TORCH PROPERTY STRINGS AUTO ON OFF)

string(TOUPPER "${CONVSCOPE_WITH_CUDA}" _cs_cuda_request)
if(NOT _cs_cuda_request MATCHES "^(AUTO|ON|OFF|TRUE|FALSE|YES|NO|1|0)$")
  message(FATAL_ERROR "CONVSCOPE_WITH_CUDA must be AUTO, ON or OFF, not '${CONVSCOPE_WITH_CUDA}'")
endif()
string(TOUPPER "${CONVSCOPE_WITH_TORCH}" _cs_torch_request)
if(NOT _cs_torch_request MATCHES "^(AUTO|ON|OFF|TRUE|FALSE|YES|NO|1|0)$")
  message(FATAL_ERROR "CONVSCOPE_WITH_TORCH must be AUTO, ON or OFF, not '${CONVSCOPE_WITH_TORCH}'")
endif()

# Architectures to embed when the user did not choose: real code for Turing..Hopper (CUDA 13 dropped
# everything older than sm_75) plus PTX for sm_90 so newer GPUs (Blackwell) JIT-compile it on first use.
# Must be set before enable_language(CUDA), which would otherwise pick nvcc's single default.
set(CONVSCOPE_DEFAULT_CUDA_ARCHITECTURES "75-real;80-real;86-real;89-real;90-real;90-virtual")

set(CONVSCOPE_CUDA_ENABLED OFF)
if(_cs_cuda_request STREQUAL "AUTO")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    set(CONVSCOPE_CUDA_ENABLED ON)
  else()
    message(STATUS "convscope: no CUDA compiler found; building the CPU kernels only")
  endif()
elseif(CONVSCOPE_WITH_CUDA)  # ON / TRUE / YES / 1
  set(CONVSCOPE_CUDA_ENABLED ON)
endif()

if(CONVSCOPE_CUDA_ENABLED)
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES "${CONVSCOPE_DEFAULT_CUDA_ARCHITECTURES}")
  endif()
  enable_language(CUDA)  # fails loudly when ON was asked for and nvcc is missing
  find_package(CUDAToolkit REQUIRED)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
  message(STATUS "convscope: CUDA kernels ON (nvcc ${CMAKE_CUDA_COMPILER_VERSION}, "
                 "architectures ${CMAKE_CUDA_ARCHITECTURES})")
else()
  message(STATUS "convscope: CUDA kernels OFF")
endif()

set(CONVSCOPE_TORCH_ENABLED OFF)
if(_cs_torch_request STREQUAL "AUTO" OR CONVSCOPE_WITH_TORCH)  # AUTO, or ON / TRUE / YES / 1
  # QUIET silences only the "not found" report; Caffe2's config still prints what it found.
  find_package(Torch QUIET)
  if(Torch_FOUND)
    set(CONVSCOPE_TORCH_ENABLED ON)
  elseif(NOT _cs_torch_request STREQUAL "AUTO")
    message(FATAL_ERROR "CONVSCOPE_WITH_TORCH=ON, but CMake found no Torch package: install libtorch-dev, or "
                        "pass -DTorch_DIR=<libtorch>/share/cmake/Torch, or -DCONVSCOPE_WITH_TORCH=AUTO|OFF")
  endif()
endif()
if(CONVSCOPE_TORCH_ENABLED)
  message(STATUS "convscope: LibTorch runner ON (Torch ${Torch_VERSION} from ${Torch_DIR})")
else()
  message(STATUS "convscope: LibTorch runner OFF (CONVSCOPE_WITH_TORCH=${CONVSCOPE_WITH_TORCH})")
endif()

# Warnings for our own targets only; third-party code is never compiled here.
function(convscope_target_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>)
endfunction()
