"""Run the intake rule sets (grading → routing → SLA) over a complaint's facts.

Pure apart from reading the published versions: it returns what was decided and why;
`intake.register_complaint` applies it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session

from app.policy import store
from app.policy.engine import CompiledRuleSet, Outcome, evaluate
from app.services.facts import grade_inputs

TRIAGE_TEAM = "Intake & Triage"
# The policy's SLA table (docs/policy.md), used when the rules cannot be evaluated: a complaint is never
# left without due times. level -> (first response minutes, resolution hours, callback days)
FALLBACK_SLA = {1: (120, 24, 3), 2: (240, 48, 5), 3: (480, 72, 7), 4: (240, 24, 3), 5: (60, 4, 1)}
DEFAULT_LEVEL = 2
AT_RISK_SHARE = 0.2  # the last 20 % of a stage's time is its warning window


@dataclass
class IntakeDecision:
    level: int
    team: str
    sla: tuple[int, float, float]
    tags: list[str] = field(default_factory=list)
    priority: bool = False
    versions: dict = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)  # what the score used (urgency words found)

    def due_times(self, received):
        minutes, hours, days = self.sla
        resolution = received + timedelta(hours=hours)
        return {
            "first_response_due_at": received + timedelta(minutes=minutes),
            "resolution_due_at": resolution,
            "callback_due_at": resolution + timedelta(days=days),
            "at_risk_from": resolution - timedelta(hours=hours) * AT_RISK_SHARE,
        }

    def trace(self) -> list[dict]:
        return [{"kind": o.kind, "version": o.version, "fired": o.fired,
                 "decisions": o.decisions, "rules": o.trace} for o in self.outcomes]


def last_param(decisions, action, param):
    values = [d["params"][param] for d in decisions if d["action"] == action]
    return values[-1] if values else None


def decide_intake(session: Session, facts: dict, *, level_given: int | None,
                  team_given: str | None, trace: bool = True,
                  versions: dict | None = None) -> IntakeDecision:
    """Evaluate the newest published grading, routing and SLA sets (`versions`, when the
    caller has read them)."""
    versions = store.latest_versions(session) if versions is None else versions
    rulesets = [store.compiled(session, kind, versions) for kind in ("grading", "routing", "sla")]
    return run_intake_rules(*rulesets, facts, level_given=level_given, team_given=team_given,
                            trace=trace)


def run_intake_rules(grading: CompiledRuleSet, routing: CompiledRuleSet, sla: CompiledRuleSet,
                     facts: dict, *, level_given: int | None = None,
                     team_given: str | None = None, trace: bool = True) -> IntakeDecision:
    """Pure: the level feeds routing and SLA, as an office would grade before routing."""
    inputs = grade_inputs(grading.parameters, facts)
    graded = evaluate(grading, facts, trace=trace)
    level = level_given or last_param(graded.decisions, "set_level", "level") or DEFAULT_LEVEL
    facts["level"] = int(level)

    routed = evaluate(routing, facts, trace=trace)
    team = team_given or last_param(routed.decisions, "assign_team", "team") or TRIAGE_TEAM

    timed = evaluate(sla, facts, trace=trace)
    sla_params = next((d["params"] for d in timed.decisions if d["action"] == "set_sla"), None)
    due = ((sla_params["first_response_minutes"], sla_params["resolution_hours"],
            sla_params["callback_days"]) if sla_params else FALLBACK_SLA[facts["level"]])

    tags = [d["params"]["tag"] for o in (graded, routed) for d in o.decisions
            if d["action"] == "add_tag"]
    priority = any(d["action"] == "set_priority" for d in routed.decisions)
    return IntakeDecision(
        level=facts["level"], team=team, sla=due, tags=sorted(set(tags)), priority=priority,
        versions={o.kind: o.version for o in (graded, routed, timed)},
        outcomes=[graded, routed, timed], inputs=inputs,
    )


def fallback_decision(level_given: int | None, team_given: str | None) -> IntakeDecision:
    level = level_given or DEFAULT_LEVEL
    return IntakeDecision(level=level, team=team_given or TRIAGE_TEAM, sla=FALLBACK_SLA[level])
