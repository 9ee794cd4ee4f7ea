"""Ideas: the landscape they live on, the pool of submitted ideas, who perceives what.

:mod:`.space` (the NK landscape), :mod:`.pool` (submitted ideas as columns) and
:mod:`.perspectives` (the consumer, firm, dialogue and team views of the landscape).
"""
