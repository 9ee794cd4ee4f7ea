"""``cocreate calibrate``: the model's parameters that reproduce a community's event log.

ABC-SMC (pyabc) over the priors of a priors file (:mod:`simulation.calibrate.spec`), the model
scaled to the log's size, summaries of :mod:`simulation.events.summaries` compared on both.
"""

from simulation.calibrate.spec import CalibrationSpec, Prior, load_priors, priors_from_dict

__all__ = ["CalibrationSpec", "Prior", "load_priors", "priors_from_dict"]
