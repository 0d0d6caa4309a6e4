"""Date and number formats for the interface languages Django has no formats module for (FORMAT_MODULE_PATH)."""
