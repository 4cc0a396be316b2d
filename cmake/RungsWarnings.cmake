# Warnings for the project's own targets only (third-party headers are SYSTEM).
function(rungs_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
endfunction()
