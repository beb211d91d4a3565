"""Published event contracts. Importing this package registers every contract."""

from shared.contracts import annual as annual
from shared.contracts import audit as audit
from shared.contracts import campaigns as campaigns
from shared.contracts import documents as documents
from shared.contracts import dossiers as dossiers
from shared.contracts import notifications as notifications
from shared.contracts.base import REGISTRY, ActorInfo, EventContract, published

__all__ = ["REGISTRY", "ActorInfo", "EventContract", "published"]
