"""The figures the simulator's design reasons from, measured on the machine at hand:
`python -m bench.measurements` measures them and writes docs/MEASUREMENTS.md.

The code's comments say why a choice was made; how large the effect is depends on the machine,
so the numbers live in that document, dated, with the machine they were measured on."""
