# CTest fixture step: installs a test folder's npm packages (tests/chain, tests/openapi)
# from its committed lockfile unless they are already installed from this lockfile.
#   cmake -DNPM=<npm> -DDIR=<folder with package-lock.json> -P cmake/NpmCi.cmake
set(stamp ${DIR}/node_modules/.package-lock.json)
if(EXISTS ${stamp} AND NOT ${DIR}/package-lock.json IS_NEWER_THAN ${stamp})
    message(STATUS "${DIR}: node_modules is up to date")
    return()
endif()
execute_process(COMMAND ${NPM} ci --legacy-peer-deps --no-audit --no-fund
                WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci in ${DIR} failed (exit ${rc}); see npm's output above")
endif()
