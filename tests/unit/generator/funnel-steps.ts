// The funnels of issue 7 written out for the generator's tests, so that they
// check the generated flows against the KPI definitions rather than against
// the generator. A step is reached when the flow has any of its events
// (`flow.<page>.begin` counts as `flow.begin`, as the loader stores it).
export const FUNNELS: Record<string, string[][]> = {
  'sign-up': [
    ['flow.begin'],
    ['flow.signup.view'],
    ['flow.signup.engage'],
    ['flow.signup.submit'],
    ['account.created'],
    ['email.verification.sent'],
    ['account.verified'],
    ['flow.complete'],
  ],
  'sign-in': [['flow.begin'], ['flow.signin.view'], ['flow.signin.engage'], ['flow.signin.submit'], ['account.login'], ['flow.complete']],
  'password-reset': [
    ['flow.signin.forgot-password', 'flow.reset-password.view'],
    ['password.forgot.send_code.completed'],
    ['password.forgot.verify_code.completed'],
    ['account.reset'],
    ['flow.complete'],
  ],
};

const BEGIN = /^flow\..+\.begin$/;

/** The event names of one flow, begin events normalised. */
export function eventSet(events: Iterable<string>): Set<string> {
  const s = new Set<string>();
  for (const e of events) s.add(BEGIN.test(e) ? 'flow.begin' : e);
  return s;
}

/**
 * Flows reaching each step of a funnel, a flow counting at a step only when
 * it reached every earlier step; only flows that reached step 1 are counted.
 */
export function funnelCounts(steps: string[][], flows: Iterable<Set<string>>): number[] {
  const counts = steps.map(() => 0);
  for (const names of flows) {
    for (let i = 0; i < steps.length; i++) {
      if (!steps[i].some((e) => names.has(e))) break;
      counts[i]++;
    }
  }
  return counts;
}
