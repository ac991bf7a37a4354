"""Short articles written for the service tests (not copied from any outlet)."""

AFGHAN = (
    "Taliban fighters attack Kandahar as thousands flee",
    "Taliban fighters attacked the southern Afghan city of Kandahar on Monday, seizing "
    "several checkpoints on its outskirts after a night of heavy fighting with government "
    "troops, provincial officials said.\n\nThousands of residents fled toward the city "
    "centre, aid workers said. The governor said reinforcements had arrived by air.\n\n"
    "Officials in Kabul said the army would launch a counter-offensive.",
)
AFGHAN_COPY = (
    "Insurgents strike Kandahar",
    "Taliban fighters attacked the city of Kandahar in southern Afghanistan on Monday after "
    "heavy fighting with government troops, officials said.",
)
UKRAINE = (
    "Russian strikes hit Kharkiv overnight",
    "Russian missile strikes hit the Ukrainian city of Kharkiv overnight, killing three "
    "civilians and damaging a power station, the regional governor said on Tuesday.\n\n"
    "Air defence units shot down several drones over the region, the air force said.",
)
QUIET = (
    "City council approves new library budget",
    "The city council approved the budget for a new central library on Tuesday after a "
    "short debate. Construction is expected to begin next spring and to take two years.",
)
