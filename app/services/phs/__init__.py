"""基本公卫 (national basic public health service): 随访表 codes, the printable form, exports and registry import."""
