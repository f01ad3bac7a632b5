# Installs the build in BUILD_DIR to a scratch prefix, then uses what a user
# gets there: tests/install built with find_package(agentio) and again with
# pkg-config alone, bin/agentio, its man pages (rendered by man) and its
# bash completion (run in bash).
set(scratch ${BUILD_DIR}/install-check)
file(REMOVE_RECURSE ${scratch})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${scratch}/prefix
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed")
endif()
set(flags "")
if(SANITIZE)
  set(flags "-fsanitize=${SANITIZE}")
  # As the build itself does: clang 14's -fsanitize=function cannot emit some
  # coroutine frames ("Cannot represent a difference across sections").
  if(CXX MATCHES "clang")
    string(APPEND flags " -fno-sanitize=function")
  endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install -B ${scratch}/build -G Ninja
                        -DCMAKE_PREFIX_PATH=${scratch}/prefix -DCMAKE_CXX_COMPILER=${CXX}
                        -DCMAKE_CXX_FLAGS=${flags} -DCMAKE_EXE_LINKER_FLAGS=${flags}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the consumer failed:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${scratch}/build RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the consumer failed:\n${out}")
endif()
execute_process(COMMAND ${scratch}/build/consumer RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out STREQUAL "installed agentio works: 84\n")
  message(FATAL_ERROR "the consumer failed (${status}): ${out}")
endif()

set(prefix ${scratch}/prefix)
# The installed tool.
execute_process(COMMAND ${prefix}/bin/agentio --version RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out MATCHES "^agentio [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "the installed agentio --version failed (${status}): ${out}")
endif()

# pkg-config, as a build without CMake uses it.
file(GLOB pc_files ${prefix}/*/pkgconfig/agentio.pc ${prefix}/*/*/pkgconfig/agentio.pc)
if(NOT pc_files)
  message(FATAL_ERROR "no agentio.pc under ${prefix}")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
execute_process(COMMAND pkg-config --cflags --libs agentio RESULT_VARIABLE status OUTPUT_VARIABLE pc_flags
                ERROR_VARIABLE out OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs agentio failed: ${out}")
endif()
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(sanitize_flags UNIX_COMMAND "${flags}")
execute_process(COMMAND ${CXX} ${SOURCE_DIR}/tests/install/main.cpp -o ${scratch}/consumer_pc ${sanitize_flags} ${pc_flags}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building with pkg-config's flags (${pc_flags}) failed:\n${out}")
endif()
execute_process(COMMAND ${scratch}/consumer_pc RESULT_VARIABLE status OUTPUT_VARIABLE out)
if(NOT status EQUAL 0 OR NOT out STREQUAL "installed agentio works: 84\n")
  message(FATAL_ERROR "the pkg-config consumer failed (${status}): ${out}")
endif()

# The man pages: one for the tool and one per command, each rendered.
foreach(page agentio agentio-batch agentio-bench agentio-sim agentio-chat agentio-agent agentio-tokens agentio-completion)
  set(file ${prefix}/share/man/man1/${page}.1)
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "no man page ${file} (is help2man installed?)")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C MANWIDTH=100 man -l ${file} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT out MATCHES "--help")
    message(FATAL_ERROR "man -l ${file} failed (${status}): ${err}${out}")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C MANWIDTH=100 man -l ${prefix}/share/man/man1/agentio-bench.1 OUTPUT_VARIABLE out)
if(NOT out MATCHES "--num-prompts")
  message(FATAL_ERROR "agentio-bench.1 does not list bench's flags:\n${out}")
endif()

# Bash completion: the commands, then a command's flags.
set(completion ${prefix}/share/bash-completion/completions/agentio)
execute_process(COMMAND bash -c "source '${completion}'; COMP_WORDS=(agentio b); COMP_CWORD=1; _agentio; echo \"\${COMPREPLY[*]}\"; COMP_WORDS=(agentio bench --num); COMP_CWORD=2; _agentio; echo \"\${COMPREPLY[*]}\""
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out STREQUAL "batch bench\n--num-prompts\n")
  message(FATAL_ERROR "bash completion from ${completion} gave (${status}) '${out}' ${err}")
endif()
