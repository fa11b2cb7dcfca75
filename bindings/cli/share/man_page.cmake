# The man page: help2man on `eslabon --help` and `--version`, with the sections of eslabon.h2m and a
# COMMANDS section holding each command's own --help (so the page says every option).
#     cmake -DESLABON=bin -DHELP2MAN=help2man -DH2M=eslabon.h2m -DOUT=eslabon.1 -P man_page.cmake
execute_process(COMMAND ${ESLABON} --help OUTPUT_VARIABLE top COMMAND_ERROR_IS_FATAL ANY)
string(REGEX REPLACE ".*\nSubcommands:\n" "" listing "${top}")
string(REGEX MATCHALL "(^|\n)  [a-z]+" commands "${listing}")
file(READ ${H2M} include)
string(APPEND include "\n[COMMANDS]\nEach command's options, as `eslabon COMMAND --help` prints them.\n")
foreach(command IN LISTS commands)
  string(STRIP "${command}" command)
  # graph, report and sensitivity run in Python: its own path, not a build environment's (pip's).
  execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=PYTHONPATH ${ESLABON} ${command} --help
                  OUTPUT_VARIABLE help ERROR_QUIET RESULT_VARIABLE failed)
  if(failed)
    set(help "Run 'eslabon ${command} --help' for its options.\n")
  endif()
  string(REPLACE "\\" "\\e" help "${help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
  string(APPEND include ".SS ${command}\n.nf\n${help}.fi\n")
endforeach()
file(WRITE ${OUT}.h2m "${include}")
execute_process(COMMAND ${HELP2MAN} --no-info --section=1
                        "--name=discrete-event simulation of organisational value chains"
                        --include=${OUT}.h2m --output=${OUT} ${ESLABON} COMMAND_ERROR_IS_FATAL ANY)
