"""The questions a template (or a view) asks an assembly about its state, so none compares
`state` to a string (tests/themes/test_template_states.py) and a renamed state fails here."""

from __future__ import annotations

from voting.choices import AssemblyState


class AssemblyStates:
    """Read-only views of AssemblyPage.state (draft → announced → open → closed)."""

    state: str

    @property
    def is_frozen(self) -> bool:
        """The notice is published: the motions and the rules of procedure no longer change."""
        return self.state != AssemblyState.DRAFT

    @property
    def is_draft(self) -> bool:
        """Still being prepared: nothing is announced, the motions may change."""
        return self.state == AssemblyState.DRAFT

    @property
    def is_announced(self) -> bool:
        """Announced, voting not yet open: the roll is on display for objections."""
        return self.state == AssemblyState.ANNOUNCED

    @property
    def is_open(self) -> bool:
        """Voting has been opened (ballots count only inside the window: is_voting_window)."""
        return self.state == AssemblyState.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == AssemblyState.CLOSED
