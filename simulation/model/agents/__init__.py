"""The agents: consumers (as a population of columns), marketers and the organisation."""
