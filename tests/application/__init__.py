"""Tests of console.application: the live feed, the charts' time series and the wallboard layout."""
