"""Tests of console.domain: the reducer, figures, breaches, flags and assignment rules, without Qt."""
