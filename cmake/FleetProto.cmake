# fleet_add_proto(<target> <proto path relative to protos/> [DEPENDS <targets>...])
# Generates message and gRPC code for one proto package into a static library.
function(fleet_add_proto target proto)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  get_filename_component(stem ${proto} NAME_WE)
  get_filename_component(dir ${proto} DIRECTORY)
  set(src_root ${PROJECT_SOURCE_DIR}/protos)
  set(out_root ${CMAKE_BINARY_DIR}/generated)
  set(out_dir ${out_root}/${dir})
  set(outputs
    ${out_dir}/${stem}.pb.cc ${out_dir}/${stem}.pb.h
    ${out_dir}/${stem}.grpc.pb.cc ${out_dir}/${stem}.grpc.pb.h)
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_root}
    COMMAND protobuf::protoc
      --proto_path=${src_root}
      --cpp_out=${out_root}
      --grpc_out=${out_root}
      --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>
      ${src_root}/${proto}
    DEPENDS ${src_root}/${proto} protobuf::protoc gRPC::grpc_cpp_plugin
    COMMENT "protoc ${proto}"
    VERBATIM)
  add_library(${target} STATIC ${outputs})
  target_include_directories(${target} PUBLIC ${out_root})
  target_link_libraries(${target} PUBLIC protobuf::libprotobuf gRPC::grpc++ ${ARG_DEPENDS})
  # Generated code is not ours to warn about.
  target_compile_options(${target} PRIVATE -w)
endfunction()
