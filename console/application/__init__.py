"""The console application: what views are fed by and send through.

The floor on the GUI thread, the live feed, the embedded gateway, chart buffers,
the wall display's layout file.
"""
