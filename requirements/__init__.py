"""What the how-to requires, and how a run reads it: the requirement catalogue with its
controls, the positions a product declares where the how-to is silent, and the how-to's
own sentences, each accounted for. No I/O beyond reading the packaged files, and nothing
of the harness above: the drivers, steps, exploration and reports all build on it."""
