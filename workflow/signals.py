"""The one hook for a transition's side effects, sent by `transitions.fire` inside its
transaction once the state is saved and the event written. A receiver that raises rolls the
whole transition back: the documents and letters of the transition are issued here
(permits.signals); mails and jobs are queued with `transaction.on_commit`, so a rolled-back act
sends nothing. Effects on a parent dossier are one receiver too (workflow.children).

Arguments: `instance` (the saved dossier), `name`, `actor` (workflow.actors.Actor),
`declaration` (workflow.registry.Declaration), `arguments` (what the transition was called
with) and `payload` (what the caller added to the event)."""

from django.dispatch import Signal

transition_fired = Signal()
