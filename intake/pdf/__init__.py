"""PDF output: bundled fonts, multi-script text layout, blank and filled testimony forms."""
