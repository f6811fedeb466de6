"""A package like yours: ``mypkg.models:build_net`` in the docs names this one."""
