"""The relation stage: the relation of a compared pair (:func:`relation`), which article
is the source (:func:`direction`), stories rooted at the original (:func:`clusters`,
:func:`orient_by_story`) and attribution claims checked (:func:`check_attribution`).

>>> from dedup.confirm import Comparison
>>> str(relation(Comparison(0, 1, containment_ab=0.95, containment_ba=0.9)))
'copy'
"""

from dedup.relation.attribution import check_attribution, claim_check, claims_own_publisher, of_outlet
from dedup.relation.classify import relation
from dedup.relation.direction import Direction, direction
from dedup.relation.stories import clusters, orient_by_story

__all__ = ["Direction", "check_attribution", "claim_check", "claims_own_publisher", "clusters", "direction",
           "of_outlet", "orient_by_story", "relation"]
