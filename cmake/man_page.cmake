# Makes the man page of `agentio` (COMMAND empty) or of `agentio COMMAND`
# from its --help with help2man, into OUTPUT. A command's page is titled
# agentio-COMMAND and named by the first line of its --help (its summary).
#   cmake -DHELP2MAN=... -DAGENTIO=... -DCOMMAND=bench -DOUTPUT=... -P man_page.cmake
if(COMMAND)
  execute_process(COMMAND ${AGENTIO} ${COMMAND} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "agentio ${COMMAND} --help failed")
  endif()
  string(REGEX MATCH "^[^\n]*" summary "${help}")
  execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1 "--help-option=${COMMAND} --help"
                          --version-option=--version "--name=${summary}" --output=${OUTPUT} ${AGENTIO}
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man failed for agentio ${COMMAND}")
  endif()
  string(TOUPPER "${COMMAND}" upper)
  file(READ ${OUTPUT} page)
  string(REPLACE ".TH AGENTIO " ".TH AGENTIO-${upper} " page "${page}")
  string(REPLACE ".SH NAME\nagentio \\-" ".SH NAME\nagentio-${COMMAND} \\-" page "${page}")
  file(WRITE ${OUTPUT} "${page}")
else()
  execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
                          "--name=asyncio's model for AI agent systems: batch, bench, sim, chat, agent, tokens"
                          --output=${OUTPUT} ${AGENTIO}
                  RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "help2man failed for agentio")
  endif()
endif()
