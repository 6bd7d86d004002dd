# Shodo kit shell defaults: the case root on the evidence partition when it is mounted.
if [ -d /media/SHODO-CASES/shodo ]; then export SHODO_CASE_ROOT=/media/SHODO-CASES/shodo; fi
