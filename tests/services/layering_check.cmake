# The services' layering, checked on their sources (cmake -P, no build needed):
#   domain/  includes no protobuf, no gRPC and no MariaDB header, and nothing of api/ or repository/;
#   api/     includes no MariaDB header and nothing of repository/ (main injects what it needs).
# Usage: cmake -DSERVICES_DIR=<repo>/services -P layering_check.cmake
if(NOT SERVICES_DIR)
  message(FATAL_ERROR "SERVICES_DIR is not set")
endif()

set(domain_forbidden [[\.pb\.h|google/protobuf|grpcpp|fleet/db/|fleet/idempotency/|mysql|mariadb|"api/|"repository/]])
set(api_forbidden [[fleet/db/|mysql|mariadb|"repository/]])

set(violations "")
function(check_layer layer forbidden)
  file(GLOB files "${SERVICES_DIR}/*/${layer}/*.h" "${SERVICES_DIR}/*/${layer}/*.cpp")
  if(NOT files)
    message(FATAL_ERROR "no sources found under ${SERVICES_DIR}/*/${layer}")
  endif()
  foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS includes)
      string(REGEX MATCH "${forbidden}" hit "${line}")
      if(hit)
        file(RELATIVE_PATH rel "${SERVICES_DIR}" "${file}")
        string(APPEND violations "\n  ${rel}: ${line}")
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

check_layer(domain "${domain_forbidden}")
check_layer(api "${api_forbidden}")

if(violations)
  message(FATAL_ERROR "layering violations:${violations}")
endif()
message(STATUS "services layering: ok")
