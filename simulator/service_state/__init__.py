"""The embedded AWS services' state, kept in the state folder (see `store`): moto's objects,
saved as each request changes them and restored at the start.

May import: the plain modules, and moto (whose objects it saves).
"""
