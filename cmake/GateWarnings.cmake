# gate_set_warnings(<target>): the project's warning set, applied to every target
# we compile. Third-party headers come in as SYSTEM includes, so they stay quiet.
# (-Wnull-dereference is left out: at -O2 it flags libstdc++ stream internals.)
function(gate_set_warnings target)
    set(flags
        -Wall -Wextra -Wpedantic
        -Wshadow -Wconversion -Wsign-conversion
        -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
        -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        list(APPEND flags -Wduplicated-cond -Wlogical-op -Wuseless-cast)
    endif()
    if(GATE_WARNINGS_AS_ERRORS)
        list(APPEND flags -Werror)
    endif()
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${flags}>)
endfunction()
