"""Step definitions: each step is one call to the driver interface (or to a
persona's journey over it) and one assertion on what came back."""
