<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionsTodayModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed-clock time, in the centre&apos;s local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo reassignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{cases} → {target}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text} ({n} unchanged)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{cases} back to their previous owners</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>call {call} → {queue}, priority {priority}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>call {call} → {queue}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} → {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text}, pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{ids} and {n} more</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActionsTodayPanel</name>
    <message>
        <source>Agent name or id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Case id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All users</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AgentBoard</name>
    <message>
        <source>Search name or id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All teams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AgentBoardModel</name>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time in the current state, on the feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A supervisor&apos;s change that waits for the call to end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A quality flag raised today is open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrapping up a call from this queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} open cases: over the centre&apos;s limit of {limit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ {state} ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>→ {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what} for {time}: past the {limit} limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{what} for {time}: past the {limit} warning point</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AgentPickerModel</name>
    <message>
        <source>Suggested</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Skilled for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged in, skilled for every case&apos;s queue, within the case limit; least loaded first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many of the cases are in queues the agent takes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open cases now, against the centre&apos;s limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state}, then {pending}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{k} of {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not skilled for the queue of {n} of these cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open} / {limit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Would hold {after} open cases, over the limit of {limit}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BreachesPanel</name>
    <message>
        <source>Calls waiting past their queue&apos;s threshold: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Case deadlines breached or due within {minutes} min: {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breaches today: {n}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>BreachesTile</name>
    <message>
        <source>Breaches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No breaches now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{wait} waiting — call {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{queue} · {over} past the {threshold} s threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>first response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{queue} · {deadline}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} overdue — case {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>due in {time} — case {id}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallBreachModel</name>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How far past the queue&apos;s service-level threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting {wait}, {over} past the {threshold} s threshold</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallHistoryModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When the call entered the queue, centre&apos;s local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the answer, or to the hang-up of an abandoned call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CallHistoryPanel</name>
    <message>
        <source>Answered or abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From HH:MM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls that entered the queue at or after this local time today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To HH:MM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls that entered the queue before this local time today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call id or caller&apos;s last digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“{text}” is not a time of day: use HH:MM, e.g. 09:30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The time range ends before it starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>flag calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>look up today&apos;s completed calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading more…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search today&apos;s completed calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} calls completed today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was asked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The call history was not read: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseDeadlineModel</name>
    <message>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overdue / Time to breach</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deadline, in the centre&apos;s local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached: {kind} deadline passed {time} ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At risk: {kind} deadline in {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Triage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Awaiting customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Callback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached: a deadline has passed; at risk: one falls due within the window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to the first-response deadline, on the feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to the resolution deadline, on the feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the case was opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Masked customer identifier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{subject} (reopened {n} times)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The customer has had a first response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} late</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached: {kind} deadline passed {time} ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At risk: {kind} deadline in {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CasesPanel</name>
    <message>
        <source>All statuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breached or at risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At risk within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A deadline due within this time is at risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search case, customer, subject or assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} open cases · {selected} selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} open cases</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartTile</name>
    <message>
        <source>Calls waiting · last {n} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waiting now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>On call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call or wrap-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls waiting · last 60 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents by state · last 60 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level per interval · today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandon rate per interval · today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tick the queues to chart; the interval charts add up the ticked queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waiting now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} waiting now ({k} queues)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} · {n}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>live since {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Before {time} (dotted line) the live charts are estimated from the day&apos;s 5-minute counts: dashed and lighter. Red ticks on the time axes are breaches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Red ticks on the time axes are breaches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target {pct} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level per {minutes} min · today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandon rate per {minutes} min · today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no queue ticked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now {now} · last {last}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now {now}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Retry for {cases} with their current versions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>Frames received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bad frames dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sequence errors (gaps, repeats) caught by the client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sequence errors on the console side</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snapshots loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events naming something unknown (skipped)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed diagnostics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last event seq</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last frame</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events per second</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Counters since the console started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last errors (newest first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local floor (no feed connection)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{user} · {role}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{age} ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorsModel</name>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frame excerpt</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FeedStatusBar</name>
    <message>
        <source>Who this console is signed in as, and the role the gateway gave it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The feed clock (the gateway&apos;s time) in the centre&apos;s time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the last frame (events or heartbeat) arrived</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Events applied per second, averaged over the last 5 s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed clock {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last frame {age} ago</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{rate} events/s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local floor (no feed connection)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{user} · {role}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No frame yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FlagDialog</name>
    <message>
        <source>Flag call {call}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller (masked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mm:ss from the call&apos;s start (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened, and where in the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Numbers of 7 or more digits in the note are masked when it is saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Moment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} / {max} characters: a note is at most {max} characters; the rest was cut</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} / {max} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The moment is minutes and seconds from the call&apos;s start, e.g. 01:35</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The moment {moment} is past the end of the call ({end})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagging…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not flagged: {why}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FlagsModel</name>
    <message>
        <source>Flag</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed-clock time, in the centre&apos;s local time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The agent&apos;s team when the call was flagged</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>简体中文</source>
        <translation>简体中文</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Supervisor console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned calls ignored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned calls count as failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned within threshold count as success</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breaches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actions today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quality review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Service level definition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the centre&apos;s definition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reporting interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{minutes} minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language set to {language}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language set to {language}; it applies when the console is restarted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{definition} (centre&apos;s definition)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Feed: {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Real-time supervisor console for bank contact centres.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures follow the gateway&apos;s feed clock; the STALE banner shows whenever no update has arrived for 3 seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{app} — {centre}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STALE — {title}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MoveCallDialog</name>
    <message>
        <source>Move call {call}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Higher is served first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {call} from {caller}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QualityController</name>
    <message>
        <source>&amp;Flag call…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export review queue…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag the selected call for quality review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>flag calls</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a call first: an agent on a call in the agent board, a waiting call, or a call in the call history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {call} is no longer in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {call} flagged for review as {flag}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QueueOverviewModel</name>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting
now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest
wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL
interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL
target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ASA
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandon
% today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Avail-
able</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On
call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-
up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not
ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staffed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offered
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AHT
today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL
60 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandon
% 60 min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Occu-
pancy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls waiting in the queue now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long the longest-waiting call has waited, on the feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The queue&apos;s service-level target: X % of calls answered within Y s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average speed of answer: the average wait of calls answered today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned calls over offered calls today (short abandons left out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are available now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents skilled for the queue on a call (ringing or talking) now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents skilled for the queue in wrap-up now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are not ready now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are logged in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls offered to the queue today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls answered today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calls abandoned today, short abandons included (the abandon rate leaves them out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average handle time today: talk (hold included: the feed does not report hold apart) plus wrap-up, per handled call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned calls over offered calls in the last 60 minutes, in 5-minute steps (short abandons left out)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Occupancy now: agents skilled for the queue on a call or in wrap-up, over those and the available ones (not-ready agents left out). The centre total counts each agent once; its tooltip also gives the centre&apos;s occupancy today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL: answered within the queue&apos;s threshold / answered (abandoned calls ignored)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL: (answered within the queue&apos;s threshold + abandoned after {short} s but within it) / (answered + abandoned after {short} s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL: answered within the queue&apos;s threshold / (answered + abandoned after {short} s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chosen here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the centre&apos;s definition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL interval: {minutes} min from {start}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level in the current {minutes}-minute interval. {definition}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level since the business day started. {definition}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level in the last 60 minutes, in 5-minute steps. {definition}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Centre total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pct}% in {secs} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Strictest target and threshold of any queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No agent on a call, in wrap-up or available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Occupancy today, whole centre: {pct} (time on calls and in wrap-up over that and time available, since the business day started)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No calls counted yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level {sl} is more than {pts} points below the {target} target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level {sl} is below the {target} target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service level {sl} meets the {target} target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest wait {wait} is more than {times}× the {threshold} s threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest wait {wait} is past the {threshold} s service-level threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No call waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandon rate {rate} is above {limit}%</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <source>Centre total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL this interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SL target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue {id} is not on this feed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the wallboard&apos;s layout file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{pct}% in {secs} s</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <source>Reassign {cases}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{queue} ({n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{names} and {n} more queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign {cases} in {queues} to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search name, id or team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Suggested agents are logged in, skilled for the queue of every case and stay within the centre&apos;s case limit; the least loaded come first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassign</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>All statuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open or in review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All severities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The flags shown, in the order shown; customer data masked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller (masked)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The flag&apos;s notes, oldest first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reviewer&apos;s user name (empty: nobody)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Return to open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close with outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A note (added on its own, or with the action you take)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the note first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a flag first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>work the review queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{flag}: nothing to change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{flag}: {status}, reviewer {reviewer}, version {version}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{flag} updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused: {flag} changed since you looked at it (version {seen}, now {now}); nothing was changed. Check it again, then retry. ({why})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {n} flags to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export flags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not exported: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read only. {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All agents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All teams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All reviewers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} flags shown: {open} open, {review} in review, {closed} closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By category: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{listed} and {n} more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By agent: {counts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No flag chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Flag {flag} · call {call} · version {version}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{moment} into the call (at {time})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>by {user} at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} · {user} (flagged the call)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no note)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} · {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} / {max} characters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not while {status}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>viewer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>quality</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>admin</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StaleBanner</name>
    <message>
        <source>Retrying automatically.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NO DATA YET — connecting to {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing on this screen is live until the feed connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STALE — no update since {time} ({age} ago)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The gateway at {url} has sent nothing for {age}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to {url}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The figures below are as of feed time {time} and are NOT live.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StaleOverlay</name>
    <message>
        <source>NO DATA YET — connecting to {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing on this board is live until the feed connects.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STALE — no update since {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{age} ago · figures as of feed time {time} · NOT live</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The gateway at {url} has sent nothing for {age}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to {url}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retrying automatically; this notice goes by itself when data flows.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingCallsModel</name>
    <message>
        <source>Call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Higher is served first (0 to 10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the call entered the queue, on the feed clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting {wait}, past the {threshold} s threshold</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WaitingCallsPanel</name>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} waiting calls</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallTile</name>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>WARNING</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CRITICAL</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WallboardWindow</name>
    <message>
        <source>Wallboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} · page {n} of {count}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{page} · ❚❚ PAUSED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wallboard — {centre}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STALE — {title}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkController</name>
    <message>
        <source>&amp;Reassign selected cases…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>U&amp;nassign selected cases…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassign selected cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo last reassignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move waiting call…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Undo reassignment of {cases}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role ({role}) may not reassign cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassign cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassign {cases}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned cases go back to their team&apos;s pool and are not worked until someone takes them; their deadlines keep running.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody (unassigned)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign with warnings?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign {cases} to {agent}?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign anyway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is not on the roster: the gateway will refuse</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is logged out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} will be logged out when the current call ends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is not ready ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is not skilled for the queue of {n} of the {total} cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} would hold {after} open cases, over the centre&apos;s limit of {limit} (now {now})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} of the {total} cases are no longer open: the gateway will refuse the whole reassignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassigning {cases}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned {cases}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassigned {cases} to {agent}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{text}; {n} already there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cases changed: nothing was reassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassignment refused: cases changed since you chose them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassignment refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} of the {total} cases changed since you chose them, so nothing was moved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of those cases is still open: nothing to reassign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undoing the reassignment of {cases}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undone: {cases} back with their previous owners</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This reassignment can no longer be undone: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo refused: nothing was moved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo refused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent state not changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent}: {state} pending until the call ends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} is already {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{agent} → {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make &amp;available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reassign {cases} here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call not moved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {call}: nothing to change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Call {call} → {queue}, priority {priority}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Move or change priority…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Move to &amp;queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Raise priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Lower priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No answer from the gateway</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_Card</name>
    <message>
        <source>No data yet — waiting for the feed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_ConflictModel</name>
    <message>
        <source>Case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now with</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No longer open (closed, or unknown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed since you chose it (version {expected}, now {actual})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed since you chose it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>assign</name>
    <message>
        <source>1 case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} cases</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>fmt</name>
    <message>
        <source>{d} d {h} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Break</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lunch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coaching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Triage</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Referred</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Awaiting customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Callback</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>quality</name>
    <message>
        <source>Compliance and required disclosures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer-data protection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Courtesy and attitude</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incorrect information</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Complaint handling</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Process not followed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commendation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Medium</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coaching needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No issue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Answered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned (short)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress: waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress: ringing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In progress: talking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not signed in to a gateway yet: you may not {what} until then</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role ({role}) may not {what}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>{s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>. Retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to {url} (attempt {n})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to {url}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{head} — {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected — {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected from {url}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disconnected from {url}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
