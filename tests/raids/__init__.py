"""Tests of hierniet.raids: the detector, its signals, the simulation and the targets of issue 14."""
