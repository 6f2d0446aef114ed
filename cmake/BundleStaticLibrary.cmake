# convscope_bundle_static_library(<target> <imported-static-lib>...)
#
# After <target> (a STATIC library) is archived, copies every member of the given static libraries into
# it, so that linking "-l<target>" alone resolves them. GNU ar's MRI script mode keeps members whose
# names repeat across archives, which extracting to a directory would not.
#
# The merge runs as POST_BUILD: CMake deletes and re-creates the archive whenever an object changes, and
# the merge follows each time; an unchanged archive keeps its merged members.
# MRI scripts cannot quote paths: the build directory and the libraries must not contain spaces, commas,
# semicolons or '+'.

include_guard(GLOBAL)

set(_convscope_bundle_script "${CMAKE_CURRENT_LIST_DIR}/RunArMri.cmake")

function(convscope_bundle_static_library target)
  if(NOT CMAKE_AR)
    message(FATAL_ERROR "convscope_bundle_static_library: CMAKE_AR is not set")
  endif()
  set(_lines "OPEN $<TARGET_FILE:${target}>")
  foreach(_lib IN LISTS ARGN)
    list(APPEND _lines "ADDLIB $<TARGET_FILE:${_lib}>")
  endforeach()
  list(APPEND _lines "SAVE" "END")
  list(JOIN _lines "\n" _script)
  set(_mri "${CMAKE_CURRENT_BINARY_DIR}/${target}_bundle.mri")
  file(GENERATE OUTPUT "${_mri}" CONTENT "${_script}\n")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND "${CMAKE_COMMAND}" "-DAR=${CMAKE_AR}" "-DRANLIB=${CMAKE_RANLIB}" "-DMRI=${_mri}"
            "-DARCHIVE=$<TARGET_FILE:${target}>" -P "${_convscope_bundle_script}"
    COMMENT "Bundling ${ARGN} into the ${target} archive"
    VERBATIM)
endfunction()
