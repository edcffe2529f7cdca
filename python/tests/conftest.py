"""Tests of the idenfy_testkit package itself; pytester runs inner sessions with the plugin."""

pytest_plugins = ["pytester"]
