<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionsTodayModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Feed-clock time, in the centre&apos;s local time</source>
        <translation>数据时钟时间（中心当地时间）</translation>
    </message>
    <message>
        <source>1 case</source>
        <translation>1 个工单</translation>
    </message>
    <message>
        <source>{n} cases</source>
        <translation>{n} 个工单</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>{cases} → {target}</source>
        <translation>{cases} → {target}</translation>
    </message>
    <message>
        <source>{text} ({n} unchanged)</source>
        <translation>{text}（{n} 个未变更）</translation>
    </message>
    <message>
        <source>{cases} back to their previous owners</source>
        <translation>{cases}已退回原处理人</translation>
    </message>
    <message>
        <source>call {call} → {queue}, priority {priority}</source>
        <translation>来电 {call} → {queue}，优先级 {priority}</translation>
    </message>
    <message>
        <source>call {call} → {queue}</source>
        <translation>来电 {call} → {queue}</translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation>{state}（{reason}）</translation>
    </message>
    <message>
        <source>{agent} → {state}</source>
        <translation>{agent} → {state}</translation>
    </message>
    <message>
        <source>{text}, pending</source>
        <translation>{text}，待生效</translation>
    </message>
    <message>
        <source>call {call}</source>
        <translation>来电 {call}</translation>
    </message>
    <message>
        <source>flag {flag}</source>
        <translation>质检标记 {flag}</translation>
    </message>
    <message>
        <source>{ids} and {n} more</source>
        <translation>{ids} 及另外 {n} 个</translation>
    </message>
</context>
<context>
    <name>ActionsTodayPanel</name>
    <message>
        <source>Agent name or id</source>
        <translation>座席姓名或工号</translation>
    </message>
    <message>
        <source>Case id</source>
        <translation>工单号</translation>
    </message>
    <message>
        <source>All users</source>
        <translation>全部用户</translation>
    </message>
</context>
<context>
    <name>AgentBoard</name>
    <message>
        <source>Search name or id</source>
        <translation>搜索姓名或工号</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>全部班组</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
</context>
<context>
    <name>AgentBoardModel</name>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Time in state</source>
        <translation>状态时长</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办工单</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待生效</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Time in the current state, on the feed clock</source>
        <translation>处于当前状态的时长（按数据时钟计）</translation>
    </message>
    <message>
        <source>A supervisor&apos;s change that waits for the call to end</source>
        <translation>班长已发起、待通话结束后生效的状态变更</translation>
    </message>
    <message>
        <source>A quality flag raised today is open</source>
        <translation>今日有未关闭的质检标记</translation>
    </message>
    <message>
        <source>Wrapping up a call from this queue</source>
        <translation>正在为该队列的来电做话后处理</translation>
    </message>
    <message>
        <source>{n} open cases: over the centre&apos;s limit of {limit}</source>
        <translation>未结工单 {n} 件：超过中心上限 {limit} 件</translation>
    </message>
    <message>
        <source>→ {state} ({reason})</source>
        <translation>→ {state}（{reason}）</translation>
    </message>
    <message>
        <source>→ {state}</source>
        <translation>→ {state}</translation>
    </message>
    <message>
        <source>{what} for {time}: past the {limit} limit</source>
        <translation>{what}已持续 {time}：超过上限 {limit}</translation>
    </message>
    <message>
        <source>{what} for {time}: past the {limit} warning point</source>
        <translation>{what}已持续 {time}：超过预警线 {limit}</translation>
    </message>
</context>
<context>
    <name>AgentPickerModel</name>
    <message>
        <source>Suggested</source>
        <translation>推荐</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Skilled for</source>
        <translation>技能匹配</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办工单</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Logged in, skilled for every case&apos;s queue, within the case limit; least loaded first</source>
        <translation>已签入、具备所有工单所属队列的技能且未超出工单上限；负荷最轻者优先</translation>
    </message>
    <message>
        <source>How many of the cases are in queues the agent takes</source>
        <translation>这些工单中属于该座席所负责队列的数量</translation>
    </message>
    <message>
        <source>Open cases now, against the centre&apos;s limit</source>
        <translation>当前在办工单数 / 中心上限</translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation>{state}（{reason}）</translation>
    </message>
    <message>
        <source>{state}, then {pending}</source>
        <translation>{state}，随后{pending}</translation>
    </message>
    <message>
        <source>all {n}</source>
        <translation>全部 {n} 个</translation>
    </message>
    <message>
        <source>{k} of {n}</source>
        <translation>{k} / {n}</translation>
    </message>
    <message>
        <source>Not skilled for the queue of {n} of these cases</source>
        <translation>不具备其中 {n} 个工单所属队列的技能</translation>
    </message>
    <message>
        <source>{open} / {limit}</source>
        <translation>{open} / {limit}</translation>
    </message>
    <message>
        <source>Would hold {after} open cases, over the limit of {limit}</source>
        <translation>改派后将有 {after} 个在办工单，超出上限 {limit}</translation>
    </message>
</context>
<context>
    <name>AgentStateDialog</name>
    <message>
        <source>{state} ({reason})</source>
        <translation>{state}（{reason}）</translation>
    </message>
    <message>
        <source>{state} for {time} (since {clock})</source>
        <translation>{state} {time}（自 {clock} 起）</translation>
    </message>
    <message>
        <source>{text}, call {call}</source>
        <translation>{text}，通话 {call}</translation>
    </message>
    <message>
        <source>{open} of {limit} open cases</source>
        <translation>未结工单 {open} / {limit}</translation>
    </message>
    <message>
        <source>{open} open cases</source>
        <translation>未结工单 {open} 个</translation>
    </message>
    <message>
        <source>{text}; {cases}</source>
        <translation>{text}；{cases}</translation>
    </message>
    <message>
        <source>{text}; {pending} pending until the call ends</source>
        <translation>{text}；{pending}待通话结束后生效</translation>
    </message>
    <message>
        <source> (set by {user})</source>
        <translation>（由 {user} 设置）</translation>
    </message>
    <message>
        <source>{agent} left the floor at {time}; nothing is sent.</source>
        <translation>{agent} 已于 {time} 离开现场，未发送任何操作。</translation>
    </message>
    <message>
        <source>{state} is already pending for {agent}{by}; nothing to send.</source>
        <translation>{agent} 已有待生效的{state}{by}，无需发送。</translation>
    </message>
    <message>
        <source>{agent} is already {state}{by}; nothing to send.</source>
        <translation>{agent} 已是{state}{by}，无需发送。</translation>
    </message>
    <message>
        <source>{agent} logged off at {time}{by}; nothing is sent.</source>
        <translation>{agent} 已于 {time} 签出{by}，未发送任何操作。</translation>
    </message>
    <message>
        <source>{agent} changed meanwhile: {pending} is pending until the call ends{by}.</source>
        <translation>{agent} 在此期间已变化：{pending}待通话结束后生效{by}。</translation>
    </message>
    <message>
        <source>went on call {call}</source>
        <translation>已接听通话 {call}</translation>
    </message>
    <message>
        <source>is now {state}</source>
        <translation>现为{state}</translation>
    </message>
    <message>
        <source>{agent} changed meanwhile: was {was}, {now} since {time}{by}.</source>
        <translation>{agent} 在此期间已变化：原为{was}，自 {time} 起{now}{by}。</translation>
    </message>
    <message>
        <source>Agent state: {agent}</source>
        <translation>座席状态：{agent}</translation>
    </message>
    <message>
        <source>&amp;New state</source>
        <translation>新状态(&amp;N)</translation>
    </message>
    <message>
        <source>Set state</source>
        <translation>设置状态</translation>
    </message>
    <message>
        <source>{why} Press Set anyway to send {state}.</source>
        <translation>{why}按“仍然设置”发送{state}。</translation>
    </message>
    <message>
        <source>Set anyway</source>
        <translation>仍然设置</translation>
    </message>
</context>
<context>
    <name>AgentTimelineDialog</name>
    <message>
        <source>Today&apos;s timeline: {agent}</source>
        <translation>今日时间线：{agent}</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Your role may not see agents&apos; timelines</source>
        <translation>您的角色无权查看座席时间线</translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was asked</source>
        <translation>未连接网关：未发出查询</translation>
    </message>
    <message>
        <source>The agent&apos;s timeline was not read: {why}</source>
        <translation>未能读取该座席的时间线：{why}</translation>
    </message>
    <message>
        <source>{state} {time}</source>
        <translation>{state} {time}</translation>
    </message>
    <message>
        <source>{agent}: {calls} calls, {cases} case changes, {flags} flags today. {totals}</source>
        <translation>{agent}：今日通话 {calls} 个，工单变更 {cases} 次，质检标记 {flags} 个。{totals}</translation>
    </message>
    <message>
        <source>Asking the gateway…</source>
        <translation>正在向网关查询…</translation>
    </message>
    <message>
        <source>Only the latest rows are shown: the day has more {kinds} than one answer holds</source>
        <translation>仅显示最新记录：今日的{kinds}超出单次查询上限</translation>
    </message>
    <message>
        <source>states</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>case changes</source>
        <translation>工单变更</translation>
    </message>
    <message>
        <source>flags</source>
        <translation>质检标记</translation>
    </message>
</context>
<context>
    <name>AlertThresholds</name>
    <message>
        <source>{value:g} is out of range: 0 to {hi:g}</source>
        <translation>{value:g} 超出范围：0 到 {hi:g}</translation>
    </message>
    <message>
        <source>critical ({critical:g}) must be at or below warning ({warning:g}): a lower service level is worse</source>
        <translation>严重值（{critical:g}）须不高于警告值（{warning:g}）：服务水平越低越差</translation>
    </message>
    <message>
        <source>critical ({critical:g}) must be at or above warning ({warning:g})</source>
        <translation>严重值（{critical:g}）须不低于警告值（{warning:g}）</translation>
    </message>
    <message>
        <source>a time limit must be more than 0 and at most 24 hours</source>
        <translation>时间上限须大于 0 且不超过 24 小时</translation>
    </message>
    <message>
        <source>critical must be at or above warning</source>
        <translation>严重值须不低于警告值</translation>
    </message>
</context>
<context>
    <name>AlertsModel</name>
    <message>
        <source>Alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Queue or agent</source>
        <translation>队列或座席</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Acknowledged by</source>
        <translation>确认人</translation>
    </message>
    <message>
        <source>On the feed clock, in the centre&apos;s time zone</source>
        <translation>按数据时钟，中心所在时区</translation>
    </message>
    <message>
        <source>{who} at {time}</source>
        <translation>{who}（{time}）</translation>
    </message>
    <message>
        <source>active</source>
        <translation>进行中</translation>
    </message>
</context>
<context>
    <name>AlertsPanel</name>
    <message>
        <source>Service level this interval</source>
        <translation>本时段服务水平</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <source>Calls waiting</source>
        <translation>排队数</translation>
    </message>
    <message>
        <source>Abandon rate, last 60 min</source>
        <translation>近60分钟放弃率</translation>
    </message>
    <message>
        <source>On a call too long</source>
        <translation>通话时间过长</translation>
    </message>
    <message>
        <source>Not ready too long</source>
        <translation>示忙时间过长</translation>
    </message>
    <message>
        <source>{what} ({reason})</source>
        <translation>{what}（{reason}）</translation>
    </message>
    <message>
        <source>{value}, below the critical limit of {limit}</source>
        <translation>{value}，低于严重阈值 {limit}</translation>
    </message>
    <message>
        <source>{value}, past the critical limit of {limit}</source>
        <translation>{value}，超过严重阈值 {limit}</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>确认(&amp;A)</translation>
    </message>
    <message>
        <source>Mark the selected alert as seen: it stays listed while active but no longer counts</source>
        <translation>将所选告警标记为已确认：进行中时仍保留在列表中，但不再计入未确认数</translation>
    </message>
    <message>
        <source>No alerts</source>
        <translation>无告警</translation>
    </message>
    <message>
        <source>{active} active, {nagging} not acknowledged</source>
        <translation>进行中 {active} 条，未确认 {nagging} 条</translation>
    </message>
</context>
<context>
    <name>BreachesPanel</name>
    <message>
        <source>Calls waiting past their queue&apos;s threshold: {n}</source>
        <translation>排队超过队列阈值的来电：{n}</translation>
    </message>
    <message>
        <source>Case deadlines breached or due within {minutes} min: {n}</source>
        <translation>已超时或{minutes}分钟内到期的工单时限：{n}</translation>
    </message>
    <message>
        <source>Breaches today: {n}</source>
        <translation>今日超时：{n}</translation>
    </message>
</context>
<context>
    <name>BreachesTile</name>
    <message>
        <source>Breaches</source>
        <translation>超时告警</translation>
    </message>
    <message>
        <source>{n} today</source>
        <translation>今日 {n} 起</translation>
    </message>
    <message>
        <source>No breaches now</source>
        <translation>当前无超时</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 项</translation>
    </message>
    <message>
        <source>{wait} waiting — call {id}</source>
        <translation>已等待 {wait} — 来电 {id}</translation>
    </message>
    <message>
        <source>{queue} · {over} past the {threshold} s threshold</source>
        <translation>{queue} · 超出 {threshold} 秒阈值 {over}</translation>
    </message>
    <message>
        <source>first response</source>
        <translation>首次响应时限</translation>
    </message>
    <message>
        <source>resolution</source>
        <translation>办结时限</translation>
    </message>
    <message>
        <source>{queue} · {deadline}</source>
        <translation>{queue} · {deadline}</translation>
    </message>
    <message>
        <source>{time} overdue — case {id}</source>
        <translation>已超时 {time} — 工单 {id}</translation>
    </message>
    <message>
        <source>due in {time} — case {id}</source>
        <translation>{time} 后到期 — 工单 {id}</translation>
    </message>
</context>
<context>
    <name>CallBreachModel</name>
    <message>
        <source>Call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>已等待</translation>
    </message>
    <message>
        <source>Over by</source>
        <translation>超出</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电号码</translation>
    </message>
    <message>
        <source>How far past the queue&apos;s service-level threshold</source>
        <translation>超出队列服务水平阈值的时长</translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation>来电号码（已脱敏）</translation>
    </message>
    <message>
        <source>Waiting {wait}, {over} past the {threshold} s threshold</source>
        <translation>已等待 {wait}，超出{threshold}秒阈值 {over}</translation>
    </message>
</context>
<context>
    <name>CallHistoryModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>通话编号</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电号码</translation>
    </message>
    <message>
        <source>When the call entered the queue, centre&apos;s local time</source>
        <translation>来电进入队列的时间（中心当地时间）</translation>
    </message>
    <message>
        <source>To the answer, or to the hang-up of an abandoned call</source>
        <translation>计至接通；放弃的来电计至挂机</translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation>来电号码（已脱敏）</translation>
    </message>
</context>
<context>
    <name>CallHistoryPanel</name>
    <message>
        <source>Answered or abandoned</source>
        <translation>接通或放弃</translation>
    </message>
    <message>
        <source>From HH:MM</source>
        <translation>起始 HH:MM</translation>
    </message>
    <message>
        <source>Calls that entered the queue at or after this local time today</source>
        <translation>今日在此当地时间或之后进入队列的来电</translation>
    </message>
    <message>
        <source>To HH:MM</source>
        <translation>截止 HH:MM</translation>
    </message>
    <message>
        <source>Calls that entered the queue before this local time today</source>
        <translation>今日在此当地时间之前进入队列的来电</translation>
    </message>
    <message>
        <source>Call id or caller&apos;s last digits</source>
        <translation>通话编号或来电号码尾号</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>加载更多</translation>
    </message>
    <message>
        <source>Flag…</source>
        <translation>标记…</translation>
    </message>
    <message>
        <source>“{text}” is not a time of day: use HH:MM, e.g. 09:30</source>
        <translation>“{text}”不是有效的时间：请使用 HH:MM 格式，例如 09:30</translation>
    </message>
    <message>
        <source>The time range ends before it starts</source>
        <translation>时间范围的结束时间早于开始时间</translation>
    </message>
    <message>
        <source>flag calls</source>
        <translation>标记通话</translation>
    </message>
    <message>
        <source>look up today&apos;s completed calls</source>
        <translation>查询今日已结束的通话</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <source>Loading more…</source>
        <translation>正在加载更多…</translation>
    </message>
    <message>
        <source>Search today&apos;s completed calls</source>
        <translation>查询今日已结束的通话</translation>
    </message>
    <message>
        <source>{shown} of {total} calls completed today</source>
        <translation>今日已结束通话 {total} 通，显示 {shown} 通</translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was asked</source>
        <translation>未连接网关：未发出查询</translation>
    </message>
    <message>
        <source>The call history was not read: {why}</source>
        <translation>未能读取通话记录：{why}</translation>
    </message>
    <message>
        <source>All agents</source>
        <translation>全部座席</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
</context>
<context>
    <name>CaseDeadlineModel</name>
    <message>
        <source>Case</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期时间</translation>
    </message>
    <message>
        <source>Overdue / Time to breach</source>
        <translation>已超时 / 剩余时间</translation>
    </message>
    <message>
        <source>Deadline, in the centre&apos;s local time</source>
        <translation>到期时间（中心当地时间）</translation>
    </message>
    <message>
        <source>{time} overdue</source>
        <translation>已超时 {time}</translation>
    </message>
    <message>
        <source>Breached: {kind} deadline passed {time} ago</source>
        <translation>已超时：{kind}时限已过 {time}</translation>
    </message>
    <message>
        <source>in {time}</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>At risk: {kind} deadline in {time}</source>
        <translation>即将超时：{kind}时限还剩 {time}</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>First response</source>
        <translation>首次响应</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Intake</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Triage</source>
        <translation>初步处理</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>转办</translation>
    </message>
    <message>
        <source>Awaiting customer</source>
        <translation>协商</translation>
    </message>
    <message>
        <source>Callback</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <source>Case</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>First response</source>
        <translation>首次响应</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>历时</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <source>Breached: a deadline has passed; at risk: one falls due within the window</source>
        <translation>已超时：已有时限过期；即将超时：有时限将在预警时间内到期</translation>
    </message>
    <message>
        <source>Time to the first-response deadline, on the feed clock</source>
        <translation>距首次响应时限的剩余时间（按数据时钟）</translation>
    </message>
    <message>
        <source>Time to the resolution deadline, on the feed clock</source>
        <translation>距办结时限的剩余时间（按数据时钟）</translation>
    </message>
    <message>
        <source>Time since the case was opened</source>
        <translation>自工单受理以来的时长</translation>
    </message>
    <message>
        <source>Masked customer identifier</source>
        <translation>脱敏后的客户标识</translation>
    </message>
    <message>
        <source>Closed meanwhile; leaves the list when the menu or dialog open for the cases closes</source>
        <translation>在此期间已办结；工单的菜单或对话框关闭后从列表中移除</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>{subject} (reopened {n} times)</source>
        <translation>{subject}（已重开 {n} 次）</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已响应</translation>
    </message>
    <message>
        <source>The customer has had a first response</source>
        <translation>已向客户作出首次响应</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>{time} late</source>
        <translation>超时 {time}</translation>
    </message>
    <message>
        <source>Breached: {kind} deadline passed {time} ago</source>
        <translation>已超时：{kind}时限已过 {time}</translation>
    </message>
    <message>
        <source>in {time}</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>At risk: {kind} deadline in {time}</source>
        <translation>即将超时：距{kind}时限还有 {time}</translation>
    </message>
</context>
<context>
    <name>CasesPanel</name>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Any deadline</source>
        <translation>全部时限</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>At risk</source>
        <translation>即将超时</translation>
    </message>
    <message>
        <source>Breached or at risk</source>
        <translation>已超时或即将超时</translation>
    </message>
    <message>
        <source>At risk within</source>
        <translation>即将超时阈值</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>A deadline due within this time is at risk</source>
        <translation>在此时间内到期的时限视为即将超时</translation>
    </message>
    <message>
        <source>Search case, customer, subject or assignee</source>
        <translation>搜索工单号、客户、主题或处理人</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>全部处理人</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
    <message>
        <source>{shown} of {total} open cases · {selected} selected</source>
        <translation>显示 {shown} / 共 {total} 个在办工单 · 已选 {selected} 个</translation>
    </message>
    <message>
        <source>{shown} of {total} open cases</source>
        <translation>显示 {shown} / 共 {total} 个在办工单</translation>
    </message>
</context>
<context>
    <name>ChartTile</name>
    <message>
        <source>Calls waiting · last {n} min</source>
        <translation>排队数 · 近 {n} 分钟</translation>
    </message>
    <message>
        <source>{n} waiting now</source>
        <translation>当前排队 {n}</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>On call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>On call or wrap-up</source>
        <translation>通话或话后处理</translation>
    </message>
    <message>
        <source>Calls waiting · last 60 min</source>
        <translation>排队数 · 近60分钟</translation>
    </message>
    <message>
        <source>Agents by state · last 60 min</source>
        <translation>座席状态分布 · 近60分钟</translation>
    </message>
    <message>
        <source>Service level per interval · today</source>
        <translation>各时段服务水平 · 今日</translation>
    </message>
    <message>
        <source>Abandon rate per interval · today</source>
        <translation>各时段放弃率 · 今日</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Tick the queues to chart; the interval charts add up the ticked queues</source>
        <translation>勾选要绘制的队列；时段图表为所勾选队列的合计</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>None</source>
        <translation>全不选</translation>
    </message>
    <message>
        <source>Agent states</source>
        <translation>座席状态</translation>
    </message>
    <message>
        <source>Same day last week ({day})</source>
        <translation>上周同日（{day}）</translation>
    </message>
    <message>
        <source>{n} days earlier ({day})</source>
        <translation>{n}天前（{day}）</translation>
    </message>
    <message>
        <source>{n} waiting now</source>
        <translation>当前排队 {n}</translation>
    </message>
    <message>
        <source>{n} waiting now ({k} queues)</source>
        <translation>当前排队 {n}（{k}个队列）</translation>
    </message>
    <message>
        <source>{n} logged in</source>
        <translation>已签入 {n}</translation>
    </message>
    <message>
        <source>{state} · {n}</source>
        <translation>{state} · {n}</translation>
    </message>
    <message>
        <source>live since {time}</source>
        <translation>{time} 起为实时数据</translation>
    </message>
    <message>
        <source>Before {time} (dotted line) the live charts are estimated from the day&apos;s 5-minute counts: dashed and lighter. Red ticks on the time axes are breaches.</source>
        <translation>{time}（点线）之前的实时图表是根据当天每5分钟计数推算的估计值，以虚线和浅色显示。时间轴上的红色刻度表示超时。</translation>
    </message>
    <message>
        <source>Red ticks on the time axes are breaches.</source>
        <translation>时间轴上的红色刻度表示超时。</translation>
    </message>
    <message>
        <source>target {pct} %</source>
        <translation>目标 {pct}%</translation>
    </message>
    <message>
        <source>Service level per {minutes} min · today</source>
        <translation>每{minutes}分钟服务水平 · 今日</translation>
    </message>
    <message>
        <source>Abandon rate per {minutes} min · today</source>
        <translation>每{minutes}分钟放弃率 · 今日</translation>
    </message>
    <message>
        <source>no queue ticked</source>
        <translation>未勾选队列</translation>
    </message>
    <message>
        <source>now {now} · last {last}</source>
        <translation>当前 {now} · 上一时段 {last}</translation>
    </message>
    <message>
        <source>now {now}</source>
        <translation>当前 {now}</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>Retry for {cases} with their current versions</source>
        <translation>按当前版本重试 {cases}</translation>
    </message>
</context>
<context>
    <name>DiagnosticsDialog</name>
    <message>
        <source>Frames received</source>
        <translation>已接收帧数</translation>
    </message>
    <message>
        <source>Events received</source>
        <translation>已接收事件数</translation>
    </message>
    <message>
        <source>Bad frames dropped</source>
        <translation>已丢弃的错误帧</translation>
    </message>
    <message>
        <source>Sequence errors (gaps, repeats) caught by the client</source>
        <translation>客户端检出的序号错误（缺号、重复）</translation>
    </message>
    <message>
        <source>Sequence errors on the console side</source>
        <translation>控制台侧的序号错误</translation>
    </message>
    <message>
        <source>Reconnects</source>
        <translation>重连次数</translation>
    </message>
    <message>
        <source>Snapshots loaded</source>
        <translation>已加载快照</translation>
    </message>
    <message>
        <source>Events naming something unknown (skipped)</source>
        <translation>引用未知对象的事件（已跳过）</translation>
    </message>
    <message>
        <source>Feed diagnostics</source>
        <translation>数据源诊断</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>登录身份</translation>
    </message>
    <message>
        <source>Last event seq</source>
        <translation>最后事件序号</translation>
    </message>
    <message>
        <source>Feed clock</source>
        <translation>数据时钟</translation>
    </message>
    <message>
        <source>Last frame</source>
        <translation>最后一帧</translation>
    </message>
    <message>
        <source>Events per second</source>
        <translation>每秒事件数</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <source>Counters since the console started</source>
        <translation>控制台启动以来的计数</translation>
    </message>
    <message>
        <source>Last errors (newest first)</source>
        <translation>最近错误（最新在前）</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>复制报告</translation>
    </message>
    <message>
        <source>Local floor (no feed connection)</source>
        <translation>本地现场数据（未连接数据源）</translation>
    </message>
    <message>
        <source>{user} · {role}</source>
        <translation>{user} · {role}</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>尚无</translation>
    </message>
    <message>
        <source>{age} ago</source>
        <translation>{age}前</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{error} — at {local} on this workstation (no feed clock yet)</source>
        <translation>{error} — 本机时间 {local}（尚无数据时钟）</translation>
    </message>
    <message>
        <source>{error} — at {local} on this workstation, feed clock {feed}</source>
        <translation>{error} — 本机时间 {local}，数据时钟 {feed}</translation>
    </message>
</context>
<context>
    <name>ErrorsModel</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>错误信息</translation>
    </message>
    <message>
        <source>Frame excerpt</source>
        <translation>帧内容片段</translation>
    </message>
</context>
<context>
    <name>FeedClient</name>
    <message>
        <source>{url} is not a websocket address (expected ws://host:port): {error}</source>
        <translation>{url} 不是 WebSocket 地址（应为 ws://主机:端口）：{error}</translation>
    </message>
    <message>
        <source>the gateway at {url} is busy (HTTP 503)</source>
        <translation>{url} 的网关繁忙（HTTP 503）</translation>
    </message>
    <message>
        <source>{url} is not a feed gateway: it answered HTTP {status}</source>
        <translation>{url} 不是数据源网关：它返回了 HTTP {status}</translation>
    </message>
    <message>
        <source>cannot open a websocket to {url}: {error}</source>
        <translation>无法打开到 {url} 的 WebSocket 连接：{error}</translation>
    </message>
    <message>
        <source>cannot reach {url}: no answer within {seconds} s</source>
        <translation>无法连接 {url}：{seconds} 秒内无应答</translation>
    </message>
    <message>
        <source>cannot reach {url}: connection refused</source>
        <translation>无法连接 {url}：连接被拒绝</translation>
    </message>
    <message>
        <source>cannot reach {url}: unknown host</source>
        <translation>无法连接 {url}：未知主机</translation>
    </message>
    <message>
        <source>cannot reach {url}: {error}</source>
        <translation>无法连接 {url}：{error}</translation>
    </message>
    <message>
        <source>the gateway at {url} refused the name or password (4401)</source>
        <translation>{url} 的网关拒绝了用户名或密码（4401）</translation>
    </message>
    <message>
        <source>the name and password are right, but no directory group of this user gives a console role at {url} (4403)</source>
        <translation>用户名和密码正确，但该用户所在的目录组在 {url} 上均未对应任何控制台角色（4403）</translation>
    </message>
    <message>
        <source>the gateway at {url} takes tokens only: it has no directory to check names and passwords (4501)</source>
        <translation>{url} 的网关只接受令牌：它没有配置目录，无法核验用户名和密码（4501）</translation>
    </message>
    <message>
        <source>the gateway at {url} cannot reach its directory to check the name and password (4503)</source>
        <translation>{url} 的网关无法连接其目录服务，暂时不能核验用户名和密码（4503）</translation>
    </message>
    <message>
        <source>the gateway at {url} refused the token (4401)</source>
        <translation>{url} 的网关拒绝了令牌（4401）</translation>
    </message>
    <message>
        <source>the gateway at {url} does not speak protocol {version} (4400)</source>
        <translation>{url} 的网关不支持协议版本 {version}（4400）</translation>
    </message>
    <message>
        <source>the gateway at {url} refuses sign-ins from this computer for a while: too many failed sign-ins (4429)</source>
        <translation>{url} 的网关暂时拒绝本机登录：登录失败次数过多（4429）</translation>
    </message>
    <message>
        <source>the gateway at {url} closed the connection: hello not received in time (4408)</source>
        <translation>{url} 的网关关闭了连接：未及时收到握手消息（4408）</translation>
    </message>
    <message>
        <source>the gateway at {url} is shutting down (1001)</source>
        <translation>{url} 的网关正在关闭（1001）</translation>
    </message>
    <message>
        <source>the gateway at {url} closed the connection: a frame was too large (1009)</source>
        <translation>{url} 的网关关闭了连接：帧过大（1009）</translation>
    </message>
    <message>
        <source>the connection to {url} was lost</source>
        <translation>与 {url} 的连接已断开</translation>
    </message>
    <message>
        <source>the gateway at {url} closed the connection ({code}: {reason})</source>
        <translation>{url} 的网关关闭了连接（{code}：{reason}）</translation>
    </message>
    <message>
        <source>the gateway at {url} closed the connection ({code})</source>
        <translation>{url} 的网关关闭了连接（{code}）</translation>
    </message>
    <message>
        <source>the console fell {count} events behind {url}; taking a fresh snapshot</source>
        <translation>控制台落后 {url} {count} 个事件；正在重新获取快照</translation>
    </message>
    <message>
        <source>the feed client stopped</source>
        <translation>数据源客户端已停止</translation>
    </message>
    <message>
        <source>{reason}; retrying in {seconds} s</source>
        <translation>{reason}；{seconds} 秒后重连</translation>
    </message>
    <message>
        <source>{url} sent no welcome within {seconds} s</source>
        <translation>{url} 在 {seconds} 秒内未发送欢迎消息</translation>
    </message>
    <message>
        <source>the connection to {url} failed: {error}</source>
        <translation>与 {url} 的连接失败：{error}</translation>
    </message>
    <message>
        <source>internal error in the feed client ({error})</source>
        <translation>数据源客户端内部错误（{error}）</translation>
    </message>
    <message>
        <source>nothing received from {url} for {seconds} s</source>
        <translation>{seconds} 秒内未从 {url} 收到任何数据</translation>
    </message>
    <message>
        <source>resynchronising with {url}: the console asked for a fresh snapshot</source>
        <translation>正在与 {url} 重新同步：控制台请求了新的快照</translation>
    </message>
    <message>
        <source>the gateway at {url} refused the hello: {code}: {message}</source>
        <translation>{url} 的网关拒绝了握手消息：{code}：{message}</translation>
    </message>
    <message>
        <source>expected welcome, got a malformed frame</source>
        <translation>应收到欢迎消息，却收到格式错误的帧</translation>
    </message>
    <message>
        <source>expected welcome, got {frame}</source>
        <translation>应收到欢迎消息，却收到 {frame}</translation>
    </message>
    <message>
        <source>{url} did not start with a welcome</source>
        <translation>{url} 未以欢迎消息开始</translation>
    </message>
    <message>
        <source>binary frame: the protocol sends text frames only</source>
        <translation>二进制帧：协议只发送文本帧</translation>
    </message>
    <message>
        <source>malformed frame: {error}</source>
        <translation>格式错误的帧：{error}</translation>
    </message>
    <message>
        <source>the gateway reported {code}: {message}</source>
        <translation>网关报告 {code}：{message}</translation>
    </message>
    <message>
        <source>unexpected welcome in the middle of the stream</source>
        <translation>数据流中途出现意外的欢迎消息</translation>
    </message>
    <message>
        <source>events before any snapshot</source>
        <translation>在快照之前收到事件</translation>
    </message>
    <message>
        <source>{url} sent events before a snapshot</source>
        <translation>{url} 在快照之前发送了事件</translation>
    </message>
    <message>
        <source>malformed event payload: {error}</source>
        <translation>格式错误的事件内容：{error}</translation>
    </message>
    <message>
        <source>{url} sent a malformed event; taking a fresh snapshot</source>
        <translation>{url} 发送了格式错误的事件；正在重新获取快照</translation>
    </message>
    <message>
        <source>sequence repeat: expected seq {expected}, got {got}</source>
        <translation>序号重复：应为 {expected}，收到 {got}</translation>
    </message>
    <message>
        <source>sequence repeat from {url} (expected {expected}, got {got}); resuming</source>
        <translation>{url} 的序号重复（应为 {expected}，收到 {got}）；正在续传</translation>
    </message>
    <message>
        <source>sequence gap: expected seq {expected}, got {got}</source>
        <translation>序号缺号：应为 {expected}，收到 {got}</translation>
    </message>
    <message>
        <source>sequence gap from {url} (expected {expected}, got {got}); resuming</source>
        <translation>{url} 的序号缺号（应为 {expected}，收到 {got}）；正在续传</translation>
    </message>
    <message>
        <source>heartbeat at seq {seq} but the last event received is {last}</source>
        <translation>心跳序号为 {seq}，但最后收到的事件序号为 {last}</translation>
    </message>
    <message>
        <source>events missing from {url} (heartbeat at {seq}, have {last}); resuming</source>
        <translation>{url} 的事件有缺失（心跳序号 {seq}，已收到 {last}）；正在续传</translation>
    </message>
</context>
<context>
    <name>FeedStatusBar</name>
    <message>
        <source>Who this console is signed in as, and the role the gateway gave it</source>
        <translation>本控制台的登录用户，以及网关分配的角色</translation>
    </message>
    <message>
        <source>The feed clock (the gateway&apos;s time) in the centre&apos;s time zone</source>
        <translation>数据时钟（网关时间），按中心所在时区显示</translation>
    </message>
    <message>
        <source>Time since the last frame (events or heartbeat) arrived</source>
        <translation>距收到最后一帧（事件或心跳）的时间</translation>
    </message>
    <message>
        <source>Events applied per second, averaged over the last 5 s</source>
        <translation>每秒应用的事件数，取最近5秒的平均值</translation>
    </message>
    <message>
        <source>Feed clock {time}</source>
        <translation>数据时钟 {time}</translation>
    </message>
    <message>
        <source>Last frame {age} ago</source>
        <translation>最后一帧：{age}前</translation>
    </message>
    <message>
        <source>{rate} events/s</source>
        <translation>{rate} 事件/秒</translation>
    </message>
    <message>
        <source>Local floor (no feed connection)</source>
        <translation>本地现场数据（未连接数据源）</translation>
    </message>
    <message>
        <source>{user} · {role}</source>
        <translation>{user} · {role}</translation>
    </message>
    <message>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>No frame yet</source>
        <translation>尚未收到数据帧</translation>
    </message>
</context>
<context>
    <name>FlagDialog</name>
    <message>
        <source>Flag call {call}</source>
        <translation>标记通话 {call}</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Wait</source>
        <translation>等待</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Caller (masked)</source>
        <translation>来电号码（已脱敏）</translation>
    </message>
    <message>
        <source>Choose a category</source>
        <translation>请选择类别</translation>
    </message>
    <message>
        <source>mm:ss from the call&apos;s start (optional)</source>
        <translation>距通话开始的 mm:ss（可选）</translation>
    </message>
    <message>
        <source>What happened, and where in the call</source>
        <translation>发生了什么，出现在通话中的哪个位置</translation>
    </message>
    <message>
        <source>Numbers of 7 or more digits in the note are masked when it is saved.</source>
        <translation>保存时，备注中7位及以上的数字将被脱敏。</translation>
    </message>
    <message>
        <source>&amp;Category</source>
        <translation>类别(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Severity</source>
        <translation>严重程度(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Moment</source>
        <translation>时间点(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>Flag call</source>
        <translation>标记通话</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{n} / {max} characters: a note is at most {max} characters; the rest was cut</source>
        <translation>{n} / {max} 字：备注最多 {max} 字，超出部分已截去</translation>
    </message>
    <message>
        <source>{n} / {max} characters</source>
        <translation>{n} / {max} 字</translation>
    </message>
    <message>
        <source>The moment is minutes and seconds from the call&apos;s start, e.g. 01:35</source>
        <translation>时间点是距通话开始的分和秒，例如 01:35</translation>
    </message>
    <message>
        <source>The moment {moment} is past the end of the call ({end})</source>
        <translation>时间点 {moment} 超出了通话结束时间（{end}）</translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation>未连接网关：未发送任何内容</translation>
    </message>
    <message>
        <source>Flagging…</source>
        <translation>正在标记…</translation>
    </message>
    <message>
        <source>Not flagged: {why}</source>
        <translation>未能标记：{why}</translation>
    </message>
</context>
<context>
    <name>FlagRules</name>
    <message>
        <source>unknown category {value!r}; one of: {choices}</source>
        <translation>未知的类别 {value!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown severity {value!r}; one of: {choices}</source>
        <translation>未知的严重程度 {value!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown status {value!r}; one of: {choices}</source>
        <translation>未知的状态 {value!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>unknown outcome {value!r}; one of: {choices}</source>
        <translation>未知的结论 {value!r}；可选：{choices}</translation>
    </message>
    <message>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>{name} is {n} characters long; at most {max} are allowed</source>
        <translation>{name}长 {n} 字，最多允许 {max} 字</translation>
    </message>
    <message>
        <source>{name} must not be empty</source>
        <translation>{name}不能为空</translation>
    </message>
    <message>
        <source>flag {flag} is open: closing it now skips the workflow; it goes to in_review first (open -&gt; in_review -&gt; closed)</source>
        <translation>标记 {flag} 待复核：现在关闭会跳过复核流程，须先进入复核中（待复核 → 复核中 → 已关闭）</translation>
    </message>
    <message>
        <source>flag {flag} is {status}: it can go to {allowed} only</source>
        <translation>标记 {flag} 当前状态为 {status}：只能转为 {allowed}</translation>
    </message>
    <message>
        <source>an outcome is given only with status closed, when the flag is being closed (flag {flag} is {status})</source>
        <translation>只有在关闭标记时才能给出结论（标记 {flag} 当前状态为 {status}）</translation>
    </message>
    <message>
        <source>closing a flag needs an outcome: one of {choices}</source>
        <translation>关闭标记须给出结论，可选：{choices}</translation>
    </message>
    <message>
        <source>flag {flag} is closed: reopen it (status in_review) to change its reviewer</source>
        <translation>标记 {flag} 已关闭：须先重新打开（改为复核中）才能更换复核人</translation>
    </message>
</context>
<context>
    <name>FlagsModel</name>
    <message>
        <source>Flag</source>
        <translation>标记编号</translation>
    </message>
    <message>
        <source>Flagged at</source>
        <translation>标记时间</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>复核人</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>Flagged by</source>
        <translation>标记人</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>通话编号</translation>
    </message>
    <message>
        <source>Feed-clock time, in the centre&apos;s local time</source>
        <translation>数据时钟时间（中心当地时间）</translation>
    </message>
    <message>
        <source>The agent&apos;s team when the call was flagged</source>
        <translation>标记时该座席所在的班组</translation>
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
    <name>LiveFeed</name>
    <message>
        <source>no token was given for {url}</source>
        <translation>未提供 {url} 的令牌</translation>
    </message>
    <message>
        <source>the token for {url} belongs to {user}, of role {role}: that role publishes events and is not sent the floor</source>
        <translation>{url} 的令牌属于 {user}（角色 {role}）：该角色只发布事件，不接收现场数据</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Supervisor console</source>
        <translation>班长监控台</translation>
    </message>
    <message>
        <source>Abandoned calls ignored</source>
        <translation>放弃来电不计入</translation>
    </message>
    <message>
        <source>Abandoned calls count as failures</source>
        <translation>放弃来电计为未达标</translation>
    </message>
    <message>
        <source>Abandoned within threshold count as success</source>
        <translation>阈值内放弃计为达标</translation>
    </message>
    <message>
        <source>Floor</source>
        <translation>现场监控</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>工作处理</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>质检</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>座席状态</translation>
    </message>
    <message>
        <source>Breaches</source>
        <translation>超时告警</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Waiting calls</source>
        <translation>排队来电</translation>
    </message>
    <message>
        <source>Actions today</source>
        <translation>今日操作</translation>
    </message>
    <message>
        <source>Quality review</source>
        <translation>质检复核</translation>
    </message>
    <message>
        <source>Call history</source>
        <translation>通话记录</translation>
    </message>
    <message>
        <source>not connected to a gateway</source>
        <translation>未连接到网关</translation>
    </message>
    <message>
        <source>the gateway&apos;s answer is malformed: {error}</source>
        <translation>网关的应答格式有误：{error}</translation>
    </message>
    <message>
        <source>only today&apos;s queues can be reported from the live floor</source>
        <translation>实时数据只能生成今日队列报表</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Report…</source>
        <translation>报表(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Quality</source>
        <translation>质检(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>&amp;Service level definition</source>
        <translation>服务水平口径(&amp;S)</translation>
    </message>
    <message>
        <source>Use the centre&apos;s definition</source>
        <translation>使用中心口径</translation>
    </message>
    <message>
        <source>&amp;Reporting interval</source>
        <translation>统计时段(&amp;R)</translation>
    </message>
    <message>
        <source>{minutes} minutes</source>
        <translation>{minutes} 分钟</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Workspace</source>
        <translation>工作区(&amp;W)</translation>
    </message>
    <message>
        <source>S&amp;taffing advice…</source>
        <translation>人力配置建议(&amp;T)…</translation>
    </message>
    <message>
        <source>Reset &amp;layout</source>
        <translation>重置布局(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Diagnostics…</source>
        <translation>诊断(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>Language set to {language}</source>
        <translation>语言已设为{language}</translation>
    </message>
    <message>
        <source>Language set to {language}; it applies when the console is restarted</source>
        <translation>语言已设为{language}，重启控制台后生效</translation>
    </message>
    <message>
        <source>{definition} (centre&apos;s definition)</source>
        <translation>{definition}（中心口径）</translation>
    </message>
    <message>
        <source>Feed: {url}</source>
        <translation>数据源：{url}</translation>
    </message>
    <message>
        <source>About {title}</source>
        <translation>关于{title}</translation>
    </message>
    <message>
        <source>Real-time supervisor console for bank contact centres.</source>
        <translation>面向银行客户服务中心的实时班长监控台。</translation>
    </message>
    <message>
        <source>Figures follow the gateway&apos;s feed clock; the STALE banner shows whenever no update has arrived for 3 seconds.</source>
        <translation>各项数据以网关的数据时钟为准；超过 3 秒未收到更新时，将显示“数据已停止更新”横幅。</translation>
    </message>
    <message>
        <source>{app} — {centre}</source>
        <translation>{app} — {centre}</translation>
    </message>
    <message>
        <source>STALE — {title}</source>
        <translation>数据已停止更新 — {title}</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Active alerts not acknowledged yet: show the Alerts list</source>
        <translation>尚未确认的进行中告警：点击显示告警列表</translation>
    </message>
    <message>
        <source>Alert &amp;thresholds…</source>
        <translation>告警阈值(&amp;T)…</translation>
    </message>
    <message>
        <source>Alert thresholds saved</source>
        <translation>告警阈值已保存</translation>
    </message>
    <message>
        <source>Alerts ({n})</source>
        <translation>告警（{n}）</translation>
    </message>
    <message>
        <source>Alerts: {n}</source>
        <translation>告警：{n}</translation>
    </message>
    <message>
        <source>Critical: {what}</source>
        <translation>严重：{what}</translation>
    </message>
    <message>
        <source>{subject}: {detail}</source>
        <translation>{subject}：{detail}</translation>
    </message>
    <message>
        <source>and {n} more</source>
        <translation>另有 {n} 条</translation>
    </message>
</context>
<context>
    <name>MoveCallDialog</name>
    <message>
        <source>Move call {call}</source>
        <translation>来电 {call} 转队列</translation>
    </message>
    <message>
        <source>Higher is served first</source>
        <translation>数值越大越优先接听</translation>
    </message>
    <message>
        <source>Call {call} from {caller}</source>
        <translation>来电 {call}，主叫 {caller}</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>队列(&amp;Q)</translation>
    </message>
    <message>
        <source>This call was answered by {agent} at {time}; nothing was moved.</source>
        <translation>该来电已于 {time} 由 {agent} 接通；未做任何转移。</translation>
    </message>
    <message>
        <source>This call has been ringing at {agent} since {time}; it can no longer be moved.</source>
        <translation>该来电自 {time} 起正在 {agent} 处振铃；已无法转队列。</translation>
    </message>
    <message>
        <source>The caller hung up at {time}; nothing was moved.</source>
        <translation>客户已于 {time} 挂机；未做任何转移。</translation>
    </message>
    <message>
        <source>This call is no longer waiting; nothing was moved.</source>
        <translation>该来电已不在排队；未做任何转移。</translation>
    </message>
    <message>
        <source>&amp;Priority</source>
        <translation>优先级(&amp;P)</translation>
    </message>
    <message>
        <source>Move</source>
        <translation>转队列</translation>
    </message>
    <message>
        <source>Waiting {wait} in {queue}, priority {priority}</source>
        <translation>在 {queue} 已等待 {wait}，优先级 {priority}</translation>
    </message>
</context>
<context>
    <name>QualityController</name>
    <message>
        <source>&amp;Flag call…</source>
        <translation>标记通话(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Export review queue…</source>
        <translation>导出质检队列(&amp;E)…</translation>
    </message>
    <message>
        <source>Flag the selected call for quality review</source>
        <translation>标记选中的通话，提交质检复核</translation>
    </message>
    <message>
        <source>flag calls</source>
        <translation>标记通话</translation>
    </message>
    <message>
        <source>Select a call first: an agent on a call in the agent board, a waiting call, or a call in the call history</source>
        <translation>请先选择一个通话：座席状态中正在通话的座席、排队中的来电，或通话记录中的通话</translation>
    </message>
    <message>
        <source>Call {call} is no longer in progress</source>
        <translation>通话 {call} 已结束</translation>
    </message>
    <message>
        <source>Call {call} flagged for review as {flag}</source>
        <translation>通话 {call} 已标记，提交质检复核，标记编号 {flag}</translation>
    </message>
</context>
<context>
    <name>QueueOverviewModel</name>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Waiting
now</source>
        <translation>当前
排队</translation>
    </message>
    <message>
        <source>Longest
wait</source>
        <translation>最长
等待</translation>
    </message>
    <message>
        <source>SL
interval</source>
        <translation>时段
服务水平</translation>
    </message>
    <message>
        <source>SL
today</source>
        <translation>今日
服务水平</translation>
    </message>
    <message>
        <source>SL
target</source>
        <translation>服务水平
目标</translation>
    </message>
    <message>
        <source>ASA
today</source>
        <translation>今日平均
应答时长</translation>
    </message>
    <message>
        <source>Abandon
% today</source>
        <translation>今日
放弃率</translation>
    </message>
    <message>
        <source>Avail-
able</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>On
call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Wrap-
up</source>
        <translation>话后
处理</translation>
    </message>
    <message>
        <source>Not
ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Staffed</source>
        <translation>在岗人数</translation>
    </message>
    <message>
        <source>Offered
today</source>
        <translation>今日
呼入</translation>
    </message>
    <message>
        <source>AHT
today</source>
        <translation>今日平均
处理时长</translation>
    </message>
    <message>
        <source>SL
60 min</source>
        <translation>近60分钟
服务水平</translation>
    </message>
    <message>
        <source>Abandon
% 60 min</source>
        <translation>近60分钟
放弃率</translation>
    </message>
    <message>
        <source>Occu-
pancy</source>
        <translation>座席
占用率</translation>
    </message>
    <message>
        <source>Needed
(gap)</source>
        <translation>需要
(缺口)</translation>
    </message>
    <message>
        <source>Calls waiting in the queue now</source>
        <translation>当前在该队列中排队的来电数</translation>
    </message>
    <message>
        <source>How long the longest-waiting call has waited, on the feed clock</source>
        <translation>等待最久的来电已等待的时长（按数据时钟计）</translation>
    </message>
    <message>
        <source>The queue&apos;s service-level target: X % of calls answered within Y s</source>
        <translation>队列的服务水平目标：Y秒内接通X%的来电</translation>
    </message>
    <message>
        <source>Average speed of answer: the average wait of calls answered today</source>
        <translation>平均应答时长：今日已接通来电的平均等待时长</translation>
    </message>
    <message>
        <source>Abandoned calls over offered calls today (short abandons left out)</source>
        <translation>今日放弃数占呼入数的比例（不含短时放弃）</translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are available now</source>
        <translation>具备该队列技能、当前空闲的座席数</translation>
    </message>
    <message>
        <source>Agents skilled for the queue on a call (ringing or talking) now</source>
        <translation>具备该队列技能、当前通话中（振铃或通话）的座席数</translation>
    </message>
    <message>
        <source>Agents skilled for the queue in wrap-up now</source>
        <translation>具备该队列技能、当前处于话后处理的座席数</translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are not ready now</source>
        <translation>具备该队列技能、当前示忙的座席数</translation>
    </message>
    <message>
        <source>Agents skilled for the queue who are logged in</source>
        <translation>具备该队列技能、已签入的座席数</translation>
    </message>
    <message>
        <source>Calls offered to the queue today</source>
        <translation>今日呼入该队列的来电数</translation>
    </message>
    <message>
        <source>Calls answered today</source>
        <translation>今日接通的来电数</translation>
    </message>
    <message>
        <source>Calls abandoned today, short abandons included (the abandon rate leaves them out)</source>
        <translation>今日放弃的来电数，含短时放弃（放弃率不计短时放弃）</translation>
    </message>
    <message>
        <source>Average handle time today: talk (hold included: the feed does not report hold apart) plus wrap-up, per handled call</source>
        <translation>今日平均处理时长：每通已处理来电的通话时长（含保持：数据源不单独报告保持时长）加话后处理时长</translation>
    </message>
    <message>
        <source>Abandoned calls over offered calls in the last 60 minutes, in 5-minute steps (short abandons left out)</source>
        <translation>近60分钟放弃数占呼入数的比例，每5分钟更新（不含短时放弃）</translation>
    </message>
    <message>
        <source>Occupancy now: agents skilled for the queue on a call or in wrap-up, over those and the available ones (not-ready agents left out). The centre total counts each agent once; its tooltip also gives the centre&apos;s occupancy today</source>
        <translation>当前座席占用率：具备该队列技能的座席中，通话中或话后处理的人数占这些座席与空闲座席之和的比例（不计示忙座席）。中心合计中每位座席只计一次；其提示还给出全中心今日的座席占用率</translation>
    </message>
    <message>
        <source>Agents the queue needs now to meet its service-level target, and in brackets the gap: agents serving it now minus those needed (+3 spare, −2 short). Needed is the fewest agents for which Erlang A (Erlang C when nobody abandoned today) predicts the target, from the arrivals of the last 30 minutes, today&apos;s handle time and the callers&apos; patience; an agent serving several queues counts in each in proportion to their workload. Double-click for the inputs and what-if moves</source>
        <translation>该队列现在达到服务水平目标所需的座席数，括号内为缺口：当前服务该队列的座席数减去所需座席数（+3 为富余，−2 为短缺）。所需座席数是 Erlang A 模型（今日无人放弃时用 Erlang C）预测能达到目标的最少座席数，依据最近 30 分钟的来电量、今日处理时长和来电者的耐心时长；服务多个队列的座席按各队列工作量的比例计入。双击查看输入数据和假设调配</translation>
    </message>
    <message>
        <source>SL: answered within the queue&apos;s threshold / answered (abandoned calls ignored)</source>
        <translation>服务水平：队列阈值内接通数 / 接通数（不计放弃来电）</translation>
    </message>
    <message>
        <source>SL: (answered within the queue&apos;s threshold + abandoned after {short} s but within it) / (answered + abandoned after {short} s)</source>
        <translation>服务水平：（队列阈值内接通数 + {short}秒后且在阈值内放弃数）/（接通数 + {short}秒后放弃数）</translation>
    </message>
    <message>
        <source>SL: answered within the queue&apos;s threshold / (answered + abandoned after {short} s)</source>
        <translation>服务水平：队列阈值内接通数 /（接通数 + {short}秒后放弃数）</translation>
    </message>
    <message>
        <source>chosen here</source>
        <translation>本控制台设定</translation>
    </message>
    <message>
        <source>the centre&apos;s definition</source>
        <translation>中心统一定义</translation>
    </message>
    <message>
        <source>SL interval: {minutes} min from {start}</source>
        <translation>服务水平时段：{start}起{minutes}分钟</translation>
    </message>
    <message>
        <source>Not estimated yet</source>
        <translation>尚未估算</translation>
    </message>
    <message>
        <source>Sums over the {n} queues with an estimate</source>
        <translation>{n} 个已有估算队列的合计</translation>
    </message>
    <message>
        <source>Arrivals: {rate}/h over the last {minutes} min</source>
        <translation>来电量：最近 {minutes} 分钟每小时 {rate} 通</translation>
    </message>
    <message>
        <source>Handle time today: {aht}</source>
        <translation>今日处理时长：{aht}</translation>
    </message>
    <message>
        <source>Patience: {patience}</source>
        <translation>耐心时长：{patience}</translation>
    </message>
    <message>
        <source>Patience: nobody abandoned today (Erlang C)</source>
        <translation>耐心时长：今日无人放弃（Erlang C）</translation>
    </message>
    <message>
        <source>Serving now: {share} (of {agents} agents, shared ones split by workload)</source>
        <translation>当前服务：{share}（共 {agents} 名座席，兼管多个队列的按工作量分摊）</translation>
    </message>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>Predicted for the rest of this interval with the agents serving it now: SL {sl}, ASA {asa}, abandoned {abandon}</source>
        <translation>按当前服务座席预测本时段剩余时间：服务水平 {sl}，平均应答速度 {asa}，放弃率 {abandon}</translation>
    </message>
    <message>
        <source>Service level in the current {minutes}-minute interval. {definition}</source>
        <translation>当前{minutes}分钟时段的服务水平。{definition}</translation>
    </message>
    <message>
        <source>Service level since the business day started. {definition}</source>
        <translation>营业日开始以来的服务水平。{definition}</translation>
    </message>
    <message>
        <source>Service level in the last 60 minutes, in 5-minute steps. {definition}</source>
        <translation>近60分钟的服务水平，每5分钟更新。{definition}</translation>
    </message>
    <message>
        <source>Centre total</source>
        <translation>中心合计</translation>
    </message>
    <message>
        <source>{pct}% in {secs} s</source>
        <translation>{secs}秒内接通{pct}%</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <source>Service level {sl} is below the critical limit of {limit}%</source>
        <translation>服务水平 {sl} 低于严重阈值 {limit}%</translation>
    </message>
    <message>
        <source>Service level {sl} is below the warning limit of {limit}%</source>
        <translation>服务水平 {sl} 低于警告阈值 {limit}%</translation>
    </message>
    <message>
        <source>Service level {sl} is below the {target} target, within its limits</source>
        <translation>服务水平 {sl} 低于 {target} 的目标，但在阈值范围内</translation>
    </message>
    <message>
        <source>Longest wait {wait} is past the critical limit of {limit}</source>
        <translation>最长等待 {wait} 超过严重阈值 {limit}</translation>
    </message>
    <message>
        <source>Longest wait {wait} is past the warning limit of {limit}</source>
        <translation>最长等待 {wait} 超过警告阈值 {limit}</translation>
    </message>
    <message>
        <source>Most waiting at once today: {n}</source>
        <translation>今日同时排队最多：{n}</translation>
    </message>
    <message>
        <source>Strictest target and threshold of any queue</source>
        <translation>各队列中最严格的目标和阈值</translation>
    </message>
    <message>
        <source>Answ.
today</source>
        <translation>今日
接通</translation>
    </message>
    <message>
        <source>Aband.
today</source>
        <translation>今日
放弃</translation>
    </message>
    <message>
        <source>No agent on a call, in wrap-up or available</source>
        <translation>没有通话中、话后处理或空闲的座席</translation>
    </message>
    <message>
        <source>Occupancy today, whole centre: {pct} (time on calls and in wrap-up over that and time available, since the business day started)</source>
        <translation>今日全中心座席占用率：{pct}（通话及话后处理时长占其与空闲时长之和的比例，自营业日开始起计）</translation>
    </message>
    <message>
        <source>No calls counted yet</source>
        <translation>尚未统计到来电</translation>
    </message>
    <message>
        <source>Service level {sl} is more than {pts} points below the {target} target</source>
        <translation>服务水平 {sl} 低于目标 {target} 超过 {pts} 个百分点</translation>
    </message>
    <message>
        <source>Service level {sl} is below the {target} target</source>
        <translation>服务水平 {sl} 低于目标 {target}</translation>
    </message>
    <message>
        <source>Service level {sl} meets the {target} target</source>
        <translation>服务水平 {sl} 达到目标 {target}</translation>
    </message>
    <message>
        <source>Longest wait {wait} is more than {times}× the {threshold} s threshold</source>
        <translation>最长等待 {wait}，超过{threshold}秒阈值的{times}倍</translation>
    </message>
    <message>
        <source>Longest wait {wait} is past the {threshold} s service-level threshold</source>
        <translation>最长等待 {wait}，已超过{threshold}秒的服务水平阈值</translation>
    </message>
    <message>
        <source>No call waiting</source>
        <translation>无排队来电</translation>
    </message>
    <message>
        <source>{n} waiting: past the critical limit of {limit}</source>
        <translation>排队 {n} 个：超过严重阈值 {limit}</translation>
    </message>
    <message>
        <source>{n} waiting: past the warning limit of {limit}</source>
        <translation>排队 {n} 个：超过警告阈值 {limit}</translation>
    </message>
    <message>
        <source>Abandon rate {rate} is above {limit}%</source>
        <translation>放弃率 {rate} 高于 {limit}%</translation>
    </message>
</context>
<context>
    <name>QueueTile</name>
    <message>
        <source>Centre total</source>
        <translation>中心合计</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>当前排队</translation>
    </message>
    <message>
        <source>Longest wait</source>
        <translation>最长等待</translation>
    </message>
    <message>
        <source>SL this interval</source>
        <translation>本时段服务水平</translation>
    </message>
    <message>
        <source>SL today</source>
        <translation>今日服务水平</translation>
    </message>
    <message>
        <source>Abandoned today</source>
        <translation>今日放弃</translation>
    </message>
    <message>
        <source>SL target</source>
        <translation>服务水平目标</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Queue {id} is not on this feed</source>
        <translation>数据源中没有队列 {id}</translation>
    </message>
    <message>
        <source>Check the wallboard&apos;s layout file</source>
        <translation>请检查大屏布局文件</translation>
    </message>
    <message>
        <source>{pct}% in {secs} s</source>
        <translation>{secs}秒内接通{pct}%</translation>
    </message>
</context>
<context>
    <name>ReassignDialog</name>
    <message>
        <source>Reassign {cases}</source>
        <translation>改派 {cases}</translation>
    </message>
    <message>
        <source>{queue} ({n})</source>
        <translation>{queue}（{n}）</translation>
    </message>
    <message>
        <source>{names} and {n} more queues</source>
        <translation>{names} 及另外 {n} 个队列</translation>
    </message>
    <message>
        <source>Reassign {cases} in {queues} to:</source>
        <translation>将 {queues} 中的 {cases}改派给：</translation>
    </message>
    <message>
        <source>Search name, id or team</source>
        <translation>搜索姓名、工号或班组</translation>
    </message>
    <message>
        <source>Suggested agents are logged in, skilled for the queue of every case and stay within the centre&apos;s case limit; the least loaded come first.</source>
        <translation>推荐座席：已签入、具备所有工单所属队列的技能，且不超出中心的工单上限；负荷最轻者排在前面。</translation>
    </message>
    <message>
        <source>Reassign</source>
        <translation>改派</translation>
    </message>
    <message>
        <source>Unassign</source>
        <translation>撤回分配</translation>
    </message>
    <message>
        <source>Reassign the other {cases}</source>
        <translation>改派其余{cases}</translation>
    </message>
    <message>
        <source>Unassign the other {cases}</source>
        <translation>撤回分配其余{cases}</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已办结</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>已撤回分配</translation>
    </message>
    <message>
        <source>now with {agent}</source>
        <translation>现由 {agent} 处理</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>已更新</translation>
    </message>
    <message>
        <source>{case} ({why})</source>
        <translation>{case}（{why}）</translation>
    </message>
    <message>
        <source>{names} and {n} more</source>
        <translation>{names} 等另外 {n} 个</translation>
    </message>
    <message>
        <source>Every case changed meanwhile, nothing can be sent: {names}</source>
        <translation>所有工单在此期间均已变化，无法发送：{names}</translation>
    </message>
    <message>
        <source>{n} of {total} cases changed meanwhile and will not be sent: {names}</source>
        <translation>{total} 个工单中有 {n} 个在此期间已变化，将不发送：{names}</translation>
    </message>
</context>
<context>
    <name>Refusal</name>
    <message>
        <source>Your role may not do this</source>
        <translation>当前角色无权执行此操作</translation>
    </message>
    <message>
        <source>Changed meanwhile</source>
        <translation>数据已被他人修改</translation>
    </message>
    <message>
        <source>No longer there</source>
        <translation>对象已不存在</translation>
    </message>
    <message>
        <source>Not possible in its current state</source>
        <translation>当前状态下无法执行</translation>
    </message>
    <message>
        <source>Not a valid request</source>
        <translation>请求无效</translation>
    </message>
    <message>
        <source>Not supported by this gateway</source>
        <translation>网关不支持此操作</translation>
    </message>
    <message>
        <source>The gateway cannot do it now</source>
        <translation>网关暂时无法执行</translation>
    </message>
    <message>
        <source>The gateway failed</source>
        <translation>网关内部错误</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <source>No answer from the gateway in time</source>
        <translation>网关未及时应答</translation>
    </message>
    <message>
        <source>The connection was lost before the answer</source>
        <translation>应答前连接已中断</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>{summary} ({detail})</source>
        <translation>{summary}（{detail}）</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Report</source>
        <translation>报表</translation>
    </message>
    <message>
        <source>{n} minutes</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>PDF document (charts and tables)</source>
        <translation>PDF 文档（图表和表格）</translation>
    </message>
    <message>
        <source>Excel workbook (XLSX)</source>
        <translation>Excel 工作簿（XLSX）</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <source>Business day</source>
        <translation>营业日</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
</context>
<context>
    <name>ReportExporter</name>
    <message>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Excel workbooks (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Save report</source>
        <translation>保存报表</translation>
    </message>
    <message>
        <source>No report of {day}: {why}</source>
        <translation>无 {day} 的报表：{why}</translation>
    </message>
    <message>
        <source>Report not saved: {why}</source>
        <translation>报表未保存：{why}</translation>
    </message>
    <message>
        <source>Report saved: {path}</source>
        <translation>报表已保存：{path}</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Open or in review</source>
        <translation>待复核或复核中</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All severities</source>
        <translation>全部严重程度</translation>
    </message>
    <message>
        <source>Any date</source>
        <translation>不限日期</translation>
    </message>
    <message>
        <source>Flagged today</source>
        <translation>今日标记</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>The flags shown, in the order shown; customer data masked</source>
        <translation>导出当前显示的标记，按显示顺序排列；客户信息已脱敏</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Caller (masked)</source>
        <translation>来电号码（已脱敏）</translation>
    </message>
    <message>
        <source>Call started</source>
        <translation>通话开始</translation>
    </message>
    <message>
        <source>Moment</source>
        <translation>时间点</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>复核人</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结论</translation>
    </message>
    <message>
        <source>The flag&apos;s notes, oldest first</source>
        <translation>该标记的备注，按时间从早到晚排列</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>复核</translation>
    </message>
    <message>
        <source>Reviewer&apos;s user name (empty: nobody)</source>
        <translation>复核人用户名（留空：不指派）</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>指派</translation>
    </message>
    <message>
        <source>Start review</source>
        <translation>开始复核</translation>
    </message>
    <message>
        <source>Return to open</source>
        <translation>退回待复核</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>重新打开</translation>
    </message>
    <message>
        <source>Close with outcome</source>
        <translation>按此结论关闭</translation>
    </message>
    <message>
        <source>A note (added on its own, or with the action you take)</source>
        <translation>备注（可单独添加，也可随所做的操作一并提交）</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>me</source>
        <translation>我</translation>
    </message>
    <message>
        <source>Write the note first</source>
        <translation>请先填写备注</translation>
    </message>
    <message>
        <source>Choose a flag first</source>
        <translation>请先选择一条标记</translation>
    </message>
    <message>
        <source>work the review queue</source>
        <translation>处理质检队列</translation>
    </message>
    <message>
        <source>Not sent: {why}</source>
        <translation>未发送：{why}</translation>
    </message>
    <message>
        <source>Nothing to change</source>
        <translation>没有需要更改的内容</translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation>未连接网关：未发送任何内容</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
    <message>
        <source>{flag}: nothing to change</source>
        <translation>{flag}：无需更改</translation>
    </message>
    <message>
        <source>{flag}: {status}, reviewer {reviewer}, version {version}</source>
        <translation>{flag}：{status}，复核人 {reviewer}，版本 {version}</translation>
    </message>
    <message>
        <source>nobody</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{flag} updated</source>
        <translation>{flag} 已更新</translation>
    </message>
    <message>
        <source>Refused: {flag} changed since you looked at it (version {seen}, now {now}); nothing was changed. Check it again, then retry. ({why})</source>
        <translation>被拒绝：{flag} 在您查看之后已被修改（您看到的是版本 {seen}，当前为版本 {now}），本次未做任何更改。请重新核对后再试。（{why}）</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>被拒绝：{why}</translation>
    </message>
    <message>
        <source>Exported {n} flags to {path}</source>
        <translation>已将 {n} 条标记导出到 {path}</translation>
    </message>
    <message>
        <source>Flag</source>
        <translation>标记编号</translation>
    </message>
    <message>
        <source>Flagged at</source>
        <translation>标记时间</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>通话编号</translation>
    </message>
    <message>
        <source>Agent id</source>
        <translation>座席工号</translation>
    </message>
    <message>
        <source>Flagged by</source>
        <translation>标记人</translation>
    </message>
    <message>
        <source>Last note</source>
        <translation>最新备注</translation>
    </message>
    <message>
        <source>Moment in the call</source>
        <translation>通话中时间点</translation>
    </message>
    <message>
        <source>Flagger&apos;s note</source>
        <translation>标记人备注</translation>
    </message>
    <message>
        <source>Review notes</source>
        <translation>复核备注</translation>
    </message>
    <message>
        <source>Export flags</source>
        <translation>导出质检标记</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Not exported: {why}</source>
        <translation>未导出：{why}</translation>
    </message>
    <message>
        <source>Read only. {why}</source>
        <translation>只读。{why}</translation>
    </message>
    <message>
        <source>All agents</source>
        <translation>全部座席</translation>
    </message>
    <message>
        <source>All teams</source>
        <translation>全部班组</translation>
    </message>
    <message>
        <source>All reviewers</source>
        <translation>全部复核人</translation>
    </message>
    <message>
        <source>Nobody yet</source>
        <translation>尚未指派</translation>
    </message>
    <message>
        <source>{shown} of {total} flags shown: {open} open, {review} in review, {closed} closed</source>
        <translation>显示 {shown} / {total} 条标记：待复核 {open}，复核中 {review}，已关闭 {closed}</translation>
    </message>
    <message>
        <source>By category: {counts}</source>
        <translation>按类别：{counts}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>no agent</source>
        <translation>无座席</translation>
    </message>
    <message>
        <source>{listed} and {n} more</source>
        <translation>{listed}，另有 {n} 名</translation>
    </message>
    <message>
        <source>By agent: {counts}</source>
        <translation>按座席：{counts}</translation>
    </message>
    <message>
        <source>No flag chosen</source>
        <translation>未选择标记</translation>
    </message>
    <message>
        <source>Flag {flag} · call {call} · version {version}</source>
        <translation>标记 {flag} · 通话 {call} · 版本 {version}</translation>
    </message>
    <message>
        <source>{moment} into the call (at {time})</source>
        <translation>通话开始后 {moment}（{time}）</translation>
    </message>
    <message>
        <source>by {user} at {time}</source>
        <translation>{user} 于 {time} 标记</translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation>尚未指派</translation>
    </message>
    <message>
        <source>{time} · {user} (flagged the call)</source>
        <translation>{time} · {user}（标记人）</translation>
    </message>
    <message>
        <source>(no note)</source>
        <translation>（无备注）</translation>
    </message>
    <message>
        <source>{time} · {user}</source>
        <translation>{time} · {user}</translation>
    </message>
    <message>
        <source>{n} / {max} characters</source>
        <translation>{n} / {max} 字</translation>
    </message>
    <message>
        <source>Not while {status}</source>
        <translation>状态为“{status}”时不可用</translation>
    </message>
</context>
<context>
    <name>Role</name>
    <message>
        <source>viewer</source>
        <translation>只读用户</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>班长</translation>
    </message>
    <message>
        <source>manager</source>
        <translation>值班经理</translation>
    </message>
    <message>
        <source>quality</source>
        <translation>质检员</translation>
    </message>
    <message>
        <source>admin</source>
        <translation>管理员</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <source>Sign &amp;in…</source>
        <translation>登录(&amp;I)…</translation>
    </message>
    <message>
        <source>Sign in to a gateway with your token.</source>
        <translation>请使用您的令牌登录网关。</translation>
    </message>
    <message>
        <source>Your name and password are right, but none of your directory groups gives you a role on this console. Ask for access, or sign in as someone else.</source>
        <translation>您的用户名和密码正确，但您所在的目录组在本控制台上均未对应任何角色。请申请权限，或以其他用户登录。</translation>
    </message>
    <message>
        <source>This gateway takes tokens only. Sign in with your token.</source>
        <translation>此网关只接受令牌。请使用您的令牌登录。</translation>
    </message>
    <message>
        <source>The gateway refused the name or password. Check them and enter them again.</source>
        <translation>网关拒绝了该用户名或密码。请检查后重新输入。</translation>
    </message>
    <message>
        <source>The gateway refused the token. Check it and enter it again.</source>
        <translation>网关拒绝了该令牌。请检查后重新输入。</translation>
    </message>
    <message>
        <source>This gateway address is not encrypted and is on another computer: the console will not send your token there. Enter the gateway&apos;s wss:// address.</source>
        <translation>该网关地址未加密且位于另一台计算机上：控制台不会向其发送您的令牌。请输入网关的 wss:// 地址。</translation>
    </message>
    <message>
        <source>This token is an adapter&apos;s: adapters publish events and are not sent the floor. Sign in with your own token.</source>
        <translation>此令牌属于适配器：适配器只发布事件，不接收现场数据。请使用您自己的令牌登录。</translation>
    </message>
    <message>
        <source>Enter your token to connect to the gateway.</source>
        <translation>请输入您的令牌以连接网关。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Name and password</source>
        <translation>用户名和密码</translation>
    </message>
    <message>
        <source>your token</source>
        <translation>您的令牌</translation>
    </message>
    <message>
        <source>your name in the bank&apos;s directory</source>
        <translation>您在行内目录中的用户名</translation>
    </message>
    <message>
        <source>&amp;Gateway:</source>
        <translation>网关(&amp;G)：</translation>
    </message>
    <message>
        <source>Sign in &amp;with:</source>
        <translation>登录方式(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Token:</source>
        <translation>令牌(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>用户名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>The gateway&apos;s address is a websocket address: ws://HOST:PORT or wss://HOST:PORT.</source>
        <translation>网关地址须为 websocket 地址：ws://主机:端口 或 wss://主机:端口。</translation>
    </message>
    <message>
        <source>ws:// is not encrypted: it is for a gateway on this computer only. Use the gateway&apos;s wss:// address (or start the console with --insecure).</source>
        <translation>ws:// 未加密，仅可用于本机上的网关。请使用网关的 wss:// 地址（或以 --insecure 启动控制台）。</translation>
    </message>
</context>
<context>
    <name>Staffing</name>
    <message>
        <source>no calls yet</source>
        <translation>尚无来电</translation>
    </message>
    <message>
        <source>no call handled yet</source>
        <translation>尚无已处理的来电</translation>
    </message>
    <message>
        <source>nobody serves the queue</source>
        <translation>无人服务该队列</translation>
    </message>
    <message>
        <source>more calls than the agents can take</source>
        <translation>来电量超过座席的接听能力</translation>
    </message>
    <message>
        <source>more than {max} agents needed</source>
        <translation>需要超过{max}名座席</translation>
    </message>
    <message>
        <source>cannot be computed</source>
        <translation>无法计算</translation>
    </message>
</context>
<context>
    <name>StaffingDialog</name>
    <message>
        <source>Staffing advice</source>
        <translation>人力配置建议</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Arrivals
per hour</source>
        <translation>每小时
来电量</translation>
    </message>
    <message>
        <source>Trend
per hour</source>
        <translation>每小时
趋势</translation>
    </message>
    <message>
        <source>Handle
time</source>
        <translation>处理
时长</translation>
    </message>
    <message>
        <source>Patience</source>
        <translation>耐心时长</translation>
    </message>
    <message>
        <source>Serving
now</source>
        <translation>当前
服务</translation>
    </message>
    <message>
        <source>Needed</source>
        <translation>需要</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>缺口</translation>
    </message>
    <message>
        <source>SL
predicted</source>
        <translation>预测
服务水平</translation>
    </message>
    <message>
        <source>ASA
predicted</source>
        <translation>预测平均
应答速度</translation>
    </message>
    <message>
        <source>Abandon
predicted</source>
        <translation>预测
放弃率</translation>
    </message>
    <message>
        <source>Needed, next
four 15 min</source>
        <translation>未来四个
15 分钟所需</translation>
    </message>
    <message>
        <source>What if agents move?</source>
        <translation>假设调配座席会怎样？</translation>
    </message>
    <message>
        <source>Move these agents…</source>
        <translation>调配这些座席…</translation>
    </message>
    <message>
        <source>From queue:</source>
        <translation>调出队列：</translation>
    </message>
    <message>
        <source>To queue:</source>
        <translation>调入队列：</translation>
    </message>
    <message>
        <source>Agents:</source>
        <translation>座席数：</translation>
    </message>
    <message>
        <source>Who:</source>
        <translation>调配谁：</translation>
    </message>
    <message>
        <source>No figures yet: the feed has not started.</source>
        <translation>尚无数据：数据流尚未开始。</translation>
    </message>
    <message>
        <source>Needed: the fewest agents for which Erlang A (Erlang C where nobody abandoned today) predicts the queue&apos;s service-level target, from the arrivals of the last 30 minutes, today&apos;s handle time (talk and wrap-up) and the callers&apos; patience (today&apos;s waiting time over today&apos;s abandons). Serving now: agents available, on a call or in wrap-up; an agent serving several queues counts in each in proportion to the queues&apos; workload. Predictions are for the rest of this interval with the agents serving now.</source>
        <translation>需要：Erlang A 模型（今日无人放弃的队列用 Erlang C）预测能达到队列服务水平目标的最少座席数，依据最近 30 分钟的来电量、今日处理时长（通话和话后处理）以及来电者的耐心时长（今日等待总时长除以今日放弃数）。当前服务：空闲、通话中或话后处理中的座席；服务多个队列的座席按各队列工作量的比例计入。预测针对本时段剩余时间、按当前服务座席计算。</translation>
    </message>
    <message>
        <source>nobody abandoned</source>
        <translation>无人放弃</translation>
    </message>
    <message>
        <source>{share} of {agents}</source>
        <translation>{agents} 人中的 {share}</translation>
    </message>
    <message>
        <source>Model: {model}</source>
        <translation>模型：{model}</translation>
    </message>
    <message>
        <source>Next hour: from today&apos;s last hour only.</source>
        <translation>下一小时：仅依据今日最近一小时。</translation>
    </message>
    <message>
        <source>Next hour: from today&apos;s last hour and the same weekday in earlier weeks: {days}.</source>
        <translation>下一小时：依据今日最近一小时及前几周同日：{days}。</translation>
    </message>
    <message>
        <source>Next hour: from today&apos;s last hour and earlier days: {days}.</source>
        <translation>下一小时：依据今日最近一小时及之前各日：{days}。</translation>
    </message>
    <message>
        <source>Earlier days the gateway does not hold are left out; none: today&apos;s pattern alone.</source>
        <translation>网关未保存的历史日期不计入；若均无，仅依据今日走势。</translation>
    </message>
    <message>
        <source>Moving agents between queues is for managers and administrators</source>
        <translation>只有经理和管理员可以在队列之间调配座席</translation>
    </message>
    <message>
        <source>Choose two queues and how many agents move.</source>
        <translation>请选择两个队列和调配的座席数。</translation>
    </message>
    <message>
        <source>{queue}: serving {before_staff} → {after_staff}, gap {before_gap} → {after_gap}, SL {before_sl} → {after_sl}, ASA {before_asa} → {after_asa}</source>
        <translation>{queue}：服务 {before_staff} → {after_staff}，缺口 {before_gap} → {after_gap}，服务水平 {before_sl} → {after_sl}，平均应答速度 {before_asa} → {after_asa}</translation>
    </message>
    <message>
        <source>{n} other queues the moved agents also serve are recounted too.</source>
        <translation>被调配座席兼管的其他 {n} 个队列也已重新计算。</translation>
    </message>
    <message>
        <source>Move agents</source>
        <translation>调配座席</translation>
    </message>
    <message>
        <source>Move {n} agents from {source} to {target}?

{names}</source>
        <translation>将 {n} 名座席从 {source} 调到 {target}？

{names}</translation>
    </message>
    <message>
        <source>{n} agents now serve their new queues</source>
        <translation>{n} 名座席已开始服务新的队列</translation>
    </message>
    <message>
        <source>Agents not moved: {why}</source>
        <translation>座席未调配：{why}</translation>
    </message>
</context>
<context>
    <name>StaffingTile</name>
    <message>
        <source>Needed</source>
        <translation>需要</translation>
    </message>
    <message>
        <source>Serving now</source>
        <translation>当前在岗</translation>
    </message>
    <message>
        <source>Gap</source>
        <translation>缺口</translation>
    </message>
    <message>
        <source>Predicted SL</source>
        <translation>预测服务水平</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Queue {id} is not on this feed</source>
        <translation>数据源中没有队列 {id}</translation>
    </message>
    <message>
        <source>Check the wallboard&apos;s layout file</source>
        <translation>请检查大屏布局文件</translation>
    </message>
    <message>
        <source>Staffing now</source>
        <translation>当前人力配置</translation>
    </message>
    <message>
        <source>Staffing · {queue}</source>
        <translation>人力配置 · {queue}</translation>
    </message>
    <message>
        <source>Estimating…</source>
        <translation>正在估算…</translation>
    </message>
    <message>
        <source>No figures from the feed yet</source>
        <translation>尚未收到数据</translation>
    </message>
    <message>
        <source>Advice out of date: being recomputed</source>
        <translation>建议已过时：正在重新计算</translation>
    </message>
    <message>
        <source>Advice as of {time}</source>
        <translation>建议截至 {time}</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 项</translation>
    </message>
</context>
<context>
    <name>StaleBanner</name>
    <message>
        <source>The figures below are as of feed time {time}.</source>
        <translation>以下数据截至数据时钟 {time}。</translation>
    </message>
    <message>
        <source>CATCHING UP — {count} events to apply</source>
        <translation>正在追赶 — 还有 {count} 条事件待应用</translation>
    </message>
    <message>
        <source>The connection to {url} is back. The figures below are as of feed time {time} and are NOT live until the events of the outage are applied.</source>
        <translation>与 {url} 的连接已恢复。下方数据截至数据流时间 {time}，在中断期间的事件应用完之前不是实时数据。</translation>
    </message>
    <message>
        <source>Retrying automatically.</source>
        <translation>正在自动重连。</translation>
    </message>
    <message>
        <source>NOT SIGNED IN — {url}</source>
        <translation>未登录 — {url}</translation>
    </message>
    <message>
        <source>Sign in with File ▸ Sign in… to connect.</source>
        <translation>请通过“文件 ▸ 登录…”登录以连接。</translation>
    </message>
    <message>
        <source>NO DATA YET — connecting to {url}</source>
        <translation>尚无数据 — 正在连接 {url}</translation>
    </message>
    <message>
        <source>Nothing on this screen is live until the feed connects.</source>
        <translation>连接数据源之前，本屏幕上的内容均不是实时数据。</translation>
    </message>
    <message>
        <source>STALE — no update since {time} ({age} ago)</source>
        <translation>数据已停止更新 — 最后更新于 {time}（{age}前）</translation>
    </message>
    <message>
        <source>The gateway at {url} has sent nothing for {age}.</source>
        <translation>网关 {url} 已有 {age}未发送任何数据。</translation>
    </message>
    <message>
        <source>Not connected to {url}.</source>
        <translation>未连接到 {url}。</translation>
    </message>
    <message>
        <source>The figures below are as of feed time {time} and are NOT live.</source>
        <translation>以下数据截至数据时钟 {time}，并非实时数据。</translation>
    </message>
</context>
<context>
    <name>StaleOverlay</name>
    <message>
        <source>Figures as of {time} · NOT live</source>
        <translation>数据截至 {time} · 非实时</translation>
    </message>
    <message>
        <source>This notice goes by itself when the store is back.</source>
        <translation>数据库恢复后，此提示将自动消失。</translation>
    </message>
    <message>
        <source>NO DATA YET — connecting to {url}</source>
        <translation>尚无数据 — 正在连接 {url}</translation>
    </message>
    <message>
        <source>Nothing on this board is live until the feed connects.</source>
        <translation>数据源连接之前，大屏上的数据均非实时。</translation>
    </message>
    <message>
        <source>STALE — no update since {time}</source>
        <translation>数据已停止更新 — 最后更新于 {time}</translation>
    </message>
    <message>
        <source>{age} ago · {local} on this workstation · NOT live</source>
        <translation>{age}前 · 本机时间 {local} · 非实时</translation>
    </message>
    <message>
        <source>The gateway at {url} has sent nothing for {age}.</source>
        <translation>网关 {url} 已有 {age}未发送任何数据。</translation>
    </message>
    <message>
        <source>Not connected to {url}.</source>
        <translation>未连接到 {url}。</translation>
    </message>
    <message>
        <source>Retrying automatically; this notice goes by itself when data flows.</source>
        <translation>正在自动重试；数据恢复后此提示会自动消失。</translation>
    </message>
</context>
<context>
    <name>ThresholdsDialog</name>
    <message>
        <source>Alert thresholds</source>
        <translation>告警阈值</translation>
    </message>
    <message>
        <source>An alert is raised when a queue&apos;s figure or an agent&apos;s time passes its critical limit. The queue overview, the agent board and the wall display use the same limits. Leave a cell empty for the default shown in grey.</source>
        <translation>队列指标或座席状态时长超过严重阈值时产生告警。队列总览、座席状态和监控大屏使用同一组阈值。单元格留空则使用灰色显示的默认值。</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>SL this interval %</source>
        <translation>本时段服务水平 %</translation>
    </message>
    <message>
        <source>Longest wait s</source>
        <translation>最长等待（秒）</translation>
    </message>
    <message>
        <source>Calls waiting</source>
        <translation>排队数</translation>
    </message>
    <message>
        <source>Abandon %</source>
        <translation>放弃率 %</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>{metric}: {level}</source>
        <translation>{metric}：{level}</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>target − 10</source>
        <translation>目标 − 10</translation>
    </message>
    <message>
        <source>1× threshold</source>
        <translation>1× 阈值</translation>
    </message>
    <message>
        <source>3× threshold</source>
        <translation>3× 阈值</translation>
    </message>
    <message>
        <source>Warning after (min)</source>
        <translation>警告时长（分钟）</translation>
    </message>
    <message>
        <source>Critical after (min): alert</source>
        <translation>严重时长（分钟）：告警</translation>
    </message>
    <message>
        <source>{value} is not a number</source>
        <translation>{value} 不是数字</translation>
    </message>
    <message>
        <source>On a call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Not ready (any other reason)</source>
        <translation>示忙（其他原因）</translation>
    </message>
    <message>
        <source>Not ready: {reason}</source>
        <translation>示忙：{reason}</translation>
    </message>
</context>
<context>
    <name>TimelineBand</name>
    <message>
        <source>States</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>通话</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>质检标记</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Call {call}</source>
        <translation>通话 {call}</translation>
    </message>
    <message>
        <source>Case {case}</source>
        <translation>工单 {case}</translation>
    </message>
    <message>
        <source>Flag {flag}</source>
        <translation>质检标记 {flag}</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>已接通</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>已放弃</translation>
    </message>
    <message>
        <source>Assigned to the agent</source>
        <translation>分配给该座席</translation>
    </message>
    <message>
        <source>Taken from the agent</source>
        <translation>从该座席撤回</translation>
    </message>
    <message>
        <source>Status: {status}</source>
        <translation>状态：{status}</translation>
    </message>
</context>
<context>
    <name>Transport</name>
    <message>
        <source>{url} is not encrypted (ws://) and {host} is another machine: tokens and the floor would cross the network in plain text. Use wss://, or allow it with --insecure</source>
        <translation>{url} 未加密（ws://），且 {host} 是另一台计算机：令牌和现场数据将以明文在网络上传输。请使用 wss://，或以 --insecure 明确允许</translation>
    </message>
    <message>
        <source>the certificate of {host} could not be verified: {reason}. If the gateway uses a private CA, give its certificate with --ca</source>
        <translation>无法验证 {host} 的证书：{reason}。如果网关使用私有 CA，请用 --ca 指定该 CA 的证书</translation>
    </message>
    <message>
        <source>no secure connection to {host}: {reason}</source>
        <translation>无法与 {host} 建立安全连接：{reason}</translation>
    </message>
</context>
<context>
    <name>WaitingCallsModel</name>
    <message>
        <source>Call</source>
        <translation>来电</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电号码</translation>
    </message>
    <message>
        <source>Higher is served first (0 to 10)</source>
        <translation>数值越大越优先接听（0 至 10）</translation>
    </message>
    <message>
        <source>Time since the call entered the queue, on the feed clock</source>
        <translation>来电进入队列后的时长（按数据时钟）</translation>
    </message>
    <message>
        <source>Masked caller number</source>
        <translation>来电号码（已脱敏）</translation>
    </message>
    <message>
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <source>No longer waiting (answered or hung up); leaves the list when the menu or dialog open for a call closes</source>
        <translation>已不在排队（已接通或客户已挂机）；该来电的菜单或对话框关闭后从列表移除</translation>
    </message>
    <message>
        <source>Waiting {wait}, past the {threshold} s threshold</source>
        <translation>已等待 {wait}，超过 {threshold} 秒阈值</translation>
    </message>
</context>
<context>
    <name>WaitingCallsPanel</name>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <source>{shown} of {total} waiting calls</source>
        <translation>显示 {shown} / 共 {total} 个排队来电</translation>
    </message>
</context>
<context>
    <name>WallTile</name>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>WARNING</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>CRITICAL</source>
        <translation>严重</translation>
    </message>
</context>
<context>
    <name>WallboardLayout</name>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>pixels</source>
        <translation>像素</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>rows</source>
        <translation>行</translation>
    </message>
    <message>
        <source>percent</source>
        <translation>%</translation>
    </message>
    <message>
        <source>calls</source>
        <translation>通</translation>
    </message>
    <message>
        <source>expected a table ({what}), not {value}</source>
        <translation>应为表（{what}），而不是 {value}</translation>
    </message>
    <message>
        <source>expected a number of {unit}, not {value}</source>
        <translation>应为数值（单位：{unit}），而不是 {value}</translation>
    </message>
    <message>
        <source>{value} is out of range: {lo:g} to {hi:g} {unit}</source>
        <translation>{value} 超出范围：{lo:g} 到 {hi:g} {unit}</translation>
    </message>
    <message>
        <source>expected a whole number of {unit}, not {value}</source>
        <translation>应为整数（单位：{unit}），而不是 {value}</translation>
    </message>
    <message>
        <source>{value} is out of range: {lo} to {hi} {unit}</source>
        <translation>{value} 超出范围：{lo} 到 {hi} {unit}</translation>
    </message>
    <message>
        <source>expected {what} (a non-empty string), not {value}</source>
        <translation>应为{what}（非空字符串），而不是 {value}</translation>
    </message>
    <message>
        <source>bad rotation interval {value:g} s: 0 (no rotation) or {lo:g} to {hi:g} seconds</source>
        <translation>翻页间隔 {value:g} 秒无效：应为 0（不翻页）或 {lo:g} 到 {hi:g} 秒</translation>
    </message>
    <message>
        <source>the layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <source>expected true or false, not {value}</source>
        <translation>应为 true 或 false，而不是 {value}</translation>
    </message>
    <message>
        <source>expected 15 or 30 (minutes), not {value}</source>
        <translation>应为 15 或 30（分钟），而不是 {value}</translation>
    </message>
    <message>
        <source>unknown theme {value} (known: {known})</source>
        <translation>未知主题 {value}（可选：{known}）</translation>
    </message>
    <message>
        <source>no pages: add at least one [[pages]] table with its tiles</source>
        <translation>没有页面：请至少添加一个 [[pages]] 表及其图块</translation>
    </message>
    <message>
        <source>expected a list of pages ([[pages]] tables), at least one</source>
        <translation>应为页面列表（[[pages]] 表），至少一个</translation>
    </message>
    <message>
        <source>burn_in: pixels, every_s</source>
        <translation>burn_in：pixels、every_s</translation>
    </message>
    <message>
        <source>a page</source>
        <translation>页面</translation>
    </message>
    <message>
        <source>a page needs tiles, e.g. tiles = [{{ kind = &quot;summary&quot; }}]</source>
        <translation>页面需要图块，例如 tiles = [{{ kind = &quot;summary&quot; }}]</translation>
    </message>
    <message>
        <source>expected a list of tiles, at least one</source>
        <translation>应为图块列表，至少一个</translation>
    </message>
    <message>
        <source>expected a tile table, e.g. {{ kind = &quot;summary&quot; }}, not {value}</source>
        <translation>应为图块表，例如 {{ kind = &quot;summary&quot; }}，而不是 {value}</translation>
    </message>
    <message>
        <source>a tile needs a kind ({known})</source>
        <translation>图块需要 kind（{known}）</translation>
    </message>
    <message>
        <source>unknown tile kind {value} (known: {known})</source>
        <translation>未知的图块类型 {value}（可选：{known}）</translation>
    </message>
    <message>
        <source>unknown key {key} for a {kind} tile (known: {known})</source>
        <translation>{kind} 图块的未知键 {key}（可用：{known}）</translation>
    </message>
    <message>
        <source>a queue tile needs its queue: queue = &quot;ID&quot;, or queue = &quot;{all}&quot; for all</source>
        <translation>队列图块需要指定队列：queue = &quot;ID&quot;，或 queue = &quot;{all}&quot; 表示全部队列</translation>
    </message>
    <message>
        <source>rows is for a staffing tile of every queue: leave out queue = {queue} or rows</source>
        <translation>rows 仅用于显示全部队列的人力配置图块：请去掉 queue = {queue} 或 rows</translation>
    </message>
    <message>
        <source>expected a list of queue ids, not {value}</source>
        <translation>应为队列 ID 列表，而不是 {value}</translation>
    </message>
    <message>
        <source>thresholds</source>
        <translation>阈值（thresholds）</translation>
    </message>
    <message>
        <source>expected tables [thresholds.queues.ID], not {value}</source>
        <translation>应为 [thresholds.queues.ID] 表，而不是 {value}</translation>
    </message>
    <message>
        <source>metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>unknown tile level rule {value} (known: {known})</source>
        <translation>未知的图块级别规则 {value}（可选：{known}）</translation>
    </message>
    <message>
        <source>today&apos;s metrics: service_level, abandon</source>
        <translation>今日指标：service_level、abandon</translation>
    </message>
    <message>
        <source>warning, critical</source>
        <translation>warning、critical</translation>
    </message>
    <message>
        <source>critical ({critical:g}) must be at or below warning ({warning:g}): a lower service level is worse</source>
        <translation>critical（{critical:g}）必须不高于 warning（{warning:g}）：服务水平越低越差</translation>
    </message>
    <message>
        <source>critical ({critical:g}) must be at or above warning ({warning:g})</source>
        <translation>critical（{critical:g}）必须不低于 warning（{warning:g}）</translation>
    </message>
    <message>
        <source>a title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>a queue id</source>
        <translation>队列 ID</translation>
    </message>
    <message>
        <source>unknown key {key} (known: {known})</source>
        <translation>未知的键 {key}（可用：{known}）</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>the string {value}</source>
        <translation>字符串 {value}</translation>
    </message>
    <message>
        <source>a table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>TOML syntax error: {error}</source>
        <translation>TOML 语法错误：{error}</translation>
    </message>
    <message>
        <source>not a regular file ({error}): a layout must be a file</source>
        <translation>不是普通文件（{error}）：布局必须是一个文件</translation>
    </message>
    <message>
        <source>the layout file is larger than {limit} KiB</source>
        <translation>布局文件大于 {limit} KiB</translation>
    </message>
    <message>
        <source>cannot read the layout file: {error}</source>
        <translation>无法读取布局文件：{error}</translation>
    </message>
</context>
<context>
    <name>WallboardWindow</name>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Breaches and queue length</source>
        <translation>超时告警与排队趋势</translation>
    </message>
    <message>
        <source>Wallboard</source>
        <translation>监控大屏</translation>
    </message>
    <message>
        <source>{title} · page {n} of {count}</source>
        <translation>{title} · 第 {n}/{count} 页</translation>
    </message>
    <message>
        <source>{page} · ❚❚ PAUSED</source>
        <translation>{page} · ❚❚ 已暂停</translation>
    </message>
    <message>
        <source>Wallboard — {centre}</source>
        <translation>监控大屏 — {centre}</translation>
    </message>
    <message>
        <source>STALE — {title}</source>
        <translation>数据已停止更新 — {title}</translation>
    </message>
</context>
<context>
    <name>WorkController</name>
    <message>
        <source>&amp;Reassign selected cases…</source>
        <translation>改派选中的工单(&amp;R)…</translation>
    </message>
    <message>
        <source>U&amp;nassign selected cases…</source>
        <translation>撤回选中工单的分配(&amp;N)…</translation>
    </message>
    <message>
        <source>Unassign selected cases</source>
        <translation>撤回选中工单的分配</translation>
    </message>
    <message>
        <source>&amp;Undo last reassignment</source>
        <translation>撤销上次改派(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Move waiting call…</source>
        <translation>排队来电转队列(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Undo reassignment of {cases}</source>
        <translation>撤销 {cases}的改派(&amp;U)</translation>
    </message>
    <message>
        <source>Your role ({role}) may not reassign cases</source>
        <translation>您的角色（{role}）无权改派工单</translation>
    </message>
    <message>
        <source>Unassign cases</source>
        <translation>撤回工单分配</translation>
    </message>
    <message>
        <source>Unassign {cases}?</source>
        <translation>撤回 {cases}的分配？</translation>
    </message>
    <message>
        <source>Unassigned cases go back to their team&apos;s pool and are not worked until someone takes them; their deadlines keep running.</source>
        <translation>撤回分配的工单将退回所属班组的工单池，在有人领取之前无人处理；其时限仍继续计时。</translation>
    </message>
    <message>
        <source>Unassign</source>
        <translation>撤回分配</translation>
    </message>
    <message>
        <source>Nothing reassigned: {why}</source>
        <translation>未改派任何工单：{why}</translation>
    </message>
    <message>
        <source>Cases changed meanwhile</source>
        <translation>工单在此期间已变化</translation>
    </message>
    <message>
        <source>Send for the other {cases}</source>
        <translation>发送其余{cases}</translation>
    </message>
    <message>
        <source>{agent} is no longer on the floor: nothing was reassigned</source>
        <translation>{agent} 已不在现场：未改派任何工单</translation>
    </message>
    <message>
        <source>Reassignment not sent</source>
        <translation>改派未发送</translation>
    </message>
    <message>
        <source>nobody (unassigned)</source>
        <translation>无人（未分配）</translation>
    </message>
    <message>
        <source>Reassign with warnings?</source>
        <translation>存在警告，仍要改派？</translation>
    </message>
    <message>
        <source>Reassign {cases} to {agent}?</source>
        <translation>将 {cases}改派给 {agent}？</translation>
    </message>
    <message>
        <source>Reassign anyway</source>
        <translation>仍然改派</translation>
    </message>
    <message>
        <source>{agent} is not on the roster: the gateway will refuse</source>
        <translation>{agent} 不在座席名单中：网关将拒绝此操作</translation>
    </message>
    <message>
        <source>{agent} is logged out</source>
        <translation>{agent} 已签出</translation>
    </message>
    <message>
        <source>{agent} will be logged out when the current call ends</source>
        <translation>{agent} 将在当前通话结束后签出</translation>
    </message>
    <message>
        <source>{agent} is not ready ({reason})</source>
        <translation>{agent} 处于示忙状态（{reason}）</translation>
    </message>
    <message>
        <source>{agent} is not ready</source>
        <translation>{agent} 处于示忙状态</translation>
    </message>
    <message>
        <source>{agent} is not skilled for the queue of {n} of the {total} cases</source>
        <translation>{agent} 不具备 {total} 个工单中 {n} 个工单所属队列的技能</translation>
    </message>
    <message>
        <source>{agent} would hold {after} open cases, over the centre&apos;s limit of {limit} (now {now})</source>
        <translation>{agent} 改派后将有 {after} 个在办工单，超出中心上限 {limit}（当前 {now}）</translation>
    </message>
    <message>
        <source>{n} of the {total} cases are no longer open: the gateway will refuse the whole reassignment</source>
        <translation>{total} 个工单中有 {n} 个已不在办：网关将拒绝整批改派</translation>
    </message>
    <message>
        <source>Reassigning {cases}…</source>
        <translation>正在改派 {cases}…</translation>
    </message>
    <message>
        <source>Unassigned {cases}</source>
        <translation>已撤回 {cases}的分配</translation>
    </message>
    <message>
        <source>Reassigned {cases} to {agent}</source>
        <translation>已将 {cases}改派给 {agent}</translation>
    </message>
    <message>
        <source>{text}; {n} already there</source>
        <translation>{text}；{n} 个无需变更</translation>
    </message>
    <message>
        <source>Cases changed: nothing was reassigned</source>
        <translation>工单已变更：未改派任何工单</translation>
    </message>
    <message>
        <source>Reassignment refused: cases changed since you chose them</source>
        <translation>改派被拒绝：所选工单在选择后已发生变更</translation>
    </message>
    <message>
        <source>Reassignment refused</source>
        <translation>改派被拒绝</translation>
    </message>
    <message>
        <source>{n} of the {total} cases changed since you chose them, so nothing was moved.</source>
        <translation>{total} 个工单中有 {n} 个在您选择后已发生变更，因此未改派任何工单。</translation>
    </message>
    <message>
        <source>None of those cases is still open: nothing to reassign</source>
        <translation>这些工单均已不在办：无可改派的工单</translation>
    </message>
    <message>
        <source>Undoing the reassignment of {cases}…</source>
        <translation>正在撤销 {cases}的改派…</translation>
    </message>
    <message>
        <source>Undone: {cases} back with their previous owners</source>
        <translation>已撤销：{cases}已退回原处理人</translation>
    </message>
    <message>
        <source>This reassignment can no longer be undone: {why}</source>
        <translation>此次改派已无法撤销：{why}</translation>
    </message>
    <message>
        <source>Undo refused: nothing was moved</source>
        <translation>撤销被拒绝：工单均未变动</translation>
    </message>
    <message>
        <source>Undo refused</source>
        <translation>撤销被拒绝</translation>
    </message>
    <message>
        <source>{state} ({reason})</source>
        <translation>{state}（{reason}）</translation>
    </message>
    <message>
        <source>Agent state not changed</source>
        <translation>座席状态未变更</translation>
    </message>
    <message>
        <source>{agent}: {state} pending until the call ends</source>
        <translation>{agent}：{state}，将在通话结束后生效</translation>
    </message>
    <message>
        <source>{agent} is already {state}</source>
        <translation>{agent} 已处于{state}状态</translation>
    </message>
    <message>
        <source>{agent} → {state}</source>
        <translation>{agent} → {state}</translation>
    </message>
    <message>
        <source>Change &amp;state…</source>
        <translation>更改状态(&amp;S)…</translation>
    </message>
    <message>
        <source>Make &amp;available</source>
        <translation>置为空闲(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Not ready</source>
        <translation>示忙(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Log out</source>
        <translation>签出(&amp;L)</translation>
    </message>
    <message>
        <source>Reassign {cases} here</source>
        <translation>将 {cases}改派给此座席</translation>
    </message>
    <message>
        <source>Today&apos;s &amp;timeline…</source>
        <translation>今日时间线(&amp;T)…</translation>
    </message>
    <message>
        <source>Agent changed meanwhile</source>
        <translation>座席在此期间已变化</translation>
    </message>
    <message>
        <source>Set {state} anyway</source>
        <translation>仍然设置为{state}</translation>
    </message>
    <message>
        <source>Call not moved</source>
        <translation>来电转队列失败</translation>
    </message>
    <message>
        <source>Call {call} not moved: {why}</source>
        <translation>来电 {call} 未转移：{why}</translation>
    </message>
    <message>
        <source>Call {call}: {why}</source>
        <translation>来电 {call}：{why}</translation>
    </message>
    <message>
        <source>Call {call}: nothing to change</source>
        <translation>来电 {call}：无需变更</translation>
    </message>
    <message>
        <source>Call {call} → {queue}, priority {priority}</source>
        <translation>来电 {call} → {queue}，优先级 {priority}</translation>
    </message>
    <message>
        <source>&amp;Move or change priority…</source>
        <translation>转队列或调整优先级(&amp;M)…</translation>
    </message>
    <message>
        <source>Move to &amp;queue</source>
        <translation>转至队列(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Raise priority</source>
        <translation>提高优先级(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Lower priority</source>
        <translation>降低优先级(&amp;L)</translation>
    </message>
    <message>
        <source>Not connected to a gateway: nothing was sent</source>
        <translation>未连接网关：未发送任何操作</translation>
    </message>
    <message>
        <source>No answer from the gateway</source>
        <translation>网关无响应</translation>
    </message>
    <message>
        <source>{title}: {why}</source>
        <translation>{title}：{why}</translation>
    </message>
</context>
<context>
    <name>_Card</name>
    <message>
        <source>No data yet — waiting for the feed</source>
        <translation>尚无数据 — 正在等待数据源</translation>
    </message>
</context>
<context>
    <name>_ConflictModel</name>
    <message>
        <source>Case</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Now with</source>
        <translation>当前处理人</translation>
    </message>
    <message>
        <source>No longer open (closed, or unknown)</source>
        <translation>已不在办（已办结或不存在）</translation>
    </message>
    <message>
        <source>Changed since you chose it (version {expected}, now {actual})</source>
        <translation>选择后已变更（版本 {expected}，现为 {actual}）</translation>
    </message>
    <message>
        <source>Changed since you chose it</source>
        <translation>选择后已变更</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>未分配</translation>
    </message>
</context>
<context>
    <name>assign</name>
    <message>
        <source>1 case</source>
        <translation>1 个工单</translation>
    </message>
    <message>
        <source>{n} cases</source>
        <translation>{n} 个工单</translation>
    </message>
</context>
<context>
    <name>fmt</name>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d}天{h}小时</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>{weekday} {date}</source>
        <translation>{date} {weekday}</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Ringing</source>
        <translation>振铃</translation>
    </message>
    <message>
        <source>On call</source>
        <translation>通话中</translation>
    </message>
    <message>
        <source>Wrap-up</source>
        <translation>话后处理</translation>
    </message>
    <message>
        <source>Not ready</source>
        <translation>示忙</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>签出</translation>
    </message>
    <message>
        <source>Break</source>
        <translation>小休</translation>
    </message>
    <message>
        <source>Lunch</source>
        <translation>用餐</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>培训</translation>
    </message>
    <message>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <source>Coaching</source>
        <translation>辅导</translation>
    </message>
    <message>
        <source>System problem</source>
        <translation>系统故障</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>班长设置</translation>
    </message>
    <message>
        <source>Intake</source>
        <translation>受理</translation>
    </message>
    <message>
        <source>Triage</source>
        <translation>初步处理</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>转办</translation>
    </message>
    <message>
        <source>Awaiting customer</source>
        <translation>协商</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>Callback</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Set agent state</source>
        <translation>设置座席状态</translation>
    </message>
    <message>
        <source>Reassigned cases</source>
        <translation>改派工单</translation>
    </message>
    <message>
        <source>Undid a reassignment</source>
        <translation>撤销改派</translation>
    </message>
    <message>
        <source>Moved call</source>
        <translation>来电转队列</translation>
    </message>
    <message>
        <source>Flagged call</source>
        <translation>质检标记来电</translation>
    </message>
    <message>
        <source>Updated flag</source>
        <translation>更新质检标记</translation>
    </message>
    <message>
        <source>Looked up calls</source>
        <translation>查询通话记录</translation>
    </message>
    <message>
        <source>Set agents&apos; queues</source>
        <translation>设置座席服务队列</translation>
    </message>
</context>
<context>
    <name>quality</name>
    <message>
        <source>Compliance and required disclosures</source>
        <translation>合规与必要告知</translation>
    </message>
    <message>
        <source>Customer-data protection</source>
        <translation>客户信息保护</translation>
    </message>
    <message>
        <source>Courtesy and attitude</source>
        <translation>服务态度</translation>
    </message>
    <message>
        <source>Incorrect information</source>
        <translation>信息错误</translation>
    </message>
    <message>
        <source>Complaint handling</source>
        <translation>投诉处理</translation>
    </message>
    <message>
        <source>Process not followed</source>
        <translation>未按流程操作</translation>
    </message>
    <message>
        <source>Commendation</source>
        <translation>表扬</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>待复核</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>复核中</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>属实</translation>
    </message>
    <message>
        <source>Coaching needed</source>
        <translation>需辅导</translation>
    </message>
    <message>
        <source>No issue</source>
        <translation>无问题</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>接通</translation>
    </message>
    <message>
        <source>Abandoned (short)</source>
        <translation>短时放弃</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>In progress: waiting</source>
        <translation>进行中：排队</translation>
    </message>
    <message>
        <source>In progress: ringing</source>
        <translation>进行中：振铃</translation>
    </message>
    <message>
        <source>In progress: talking</source>
        <translation>进行中：通话</translation>
    </message>
    <message>
        <source>Not signed in to a gateway yet: you may not {what} until then</source>
        <translation>尚未登录网关：登录前无法{what}</translation>
    </message>
    <message>
        <source>Your role ({role}) may not {what}</source>
        <translation>您的角色（{role}）无权{what}</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <source>Day report: {centre}, {day}</source>
        <translation>日报：{centre}，{day}</translation>
    </message>
    <message>
        <source>Complete business day</source>
        <translation>完整营业日</translation>
    </message>
    <message>
        <source>As of {time}</source>
        <translation>截至 {time}</translation>
    </message>
    <message>
        <source>Intervals of {minutes} min; times in {zone}; service level: {definition}</source>
        <translation>时段 {minutes} 分钟；时间为 {zone}；服务水平：{definition}</translation>
    </message>
    <message>
        <source>abandoned calls left out</source>
        <translation>不计放弃呼叫</translation>
    </message>
    <message>
        <source>abandoned calls count as missed</source>
        <translation>放弃呼叫计为未达标</translation>
    </message>
    <message>
        <source>calls abandoned within the threshold count as met</source>
        <translation>阈值内放弃的呼叫计为达标</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Offered</source>
        <translation>呼入</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>接通</translation>
    </message>
    <message>
        <source>Abandoned</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>Short abandons</source>
        <translation>短时放弃</translation>
    </message>
    <message>
        <source>Abandon %</source>
        <translation>放弃率 %</translation>
    </message>
    <message>
        <source>SL %</source>
        <translation>服务水平 %</translation>
    </message>
    <message>
        <source>SL target %</source>
        <translation>服务水平目标 %</translation>
    </message>
    <message>
        <source>ASA (s)</source>
        <translation>平均应答时长（秒）</translation>
    </message>
    <message>
        <source>AHT (s)</source>
        <translation>平均处理时长（秒）</translation>
    </message>
    <message>
        <source>Day total</source>
        <translation>全天合计</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>全部队列</translation>
    </message>
    <message>
        <source>no reason</source>
        <translation>无原因</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>座席</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>座席员</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>班组</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>接听数</translation>
    </message>
    <message>
        <source>Talk time</source>
        <translation>通话时长</translation>
    </message>
    <message>
        <source>Wrap-up time</source>
        <translation>话后处理时长</translation>
    </message>
    <message>
        <source>Available time</source>
        <translation>空闲时长</translation>
    </message>
    <message>
        <source>Handling time</source>
        <translation>处理时长</translation>
    </message>
    <message>
        <source>Not ready time</source>
        <translation>示忙时长</translation>
    </message>
    <message>
        <source>Occupancy %</source>
        <translation>座席占用率 %</translation>
    </message>
    <message>
        <source>Not ready: {reason}</source>
        <translation>示忙：{reason}</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>工单</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>新建</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>办结</translation>
    </message>
    <message>
        <source>First response breached</source>
        <translation>首次响应超时</translation>
    </message>
    <message>
        <source>Resolution breached</source>
        <translation>办结超时</translation>
    </message>
    <message>
        <source>Quality flags</source>
        <translation>质检标记</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>标记数</translation>
    </message>
    <message>
        <source>All flags</source>
        <translation>全部标记</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Closed after review</source>
        <translation>复核后关闭</translation>
    </message>
    <message>
        <source>Raised, by category</source>
        <translation>新增（按类别）</translation>
    </message>
    <message>
        <source>Raised, by severity</source>
        <translation>新增（按严重程度）</translation>
    </message>
    <message>
        <source>Closed, by outcome</source>
        <translation>关闭（按结论）</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>{s} s</source>
        <translation>{s}秒</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m}分钟{s}秒</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h}小时{m}分钟</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <source>Store unavailable since {time} — {reason}; figures are held</source>
        <translation>数据库自 {time} 起不可用 — {reason}；数据暂停更新</translation>
    </message>
    <message>
        <source>The gateway at {url} cannot write to its database, so it holds the live feed: the figures below are NOT live, and commands are refused until it can. It carries on by itself.</source>
        <translation>{url} 的网关无法写入其数据库，因此暂停实时数据：以下数据并非实时，恢复写入前操作命令将被拒绝。数据库恢复后自动继续。</translation>
    </message>
    <message>
        <source>Connected to {url} — its store is unavailable; figures are held</source>
        <translation>已连接到 {url} — 其数据库不可用，数据暂停更新</translation>
    </message>
    <message>
        <source>Connected to {url}</source>
        <translation>已连接到 {url}</translation>
    </message>
    <message>
        <source>Not signed in to {url}: {reason}</source>
        <translation>未登录 {url}：{reason}</translation>
    </message>
    <message>
        <source>. Retrying</source>
        <translation>，正在重连</translation>
    </message>
    <message>
        <source>Connecting to {url} (attempt {n})</source>
        <translation>正在连接 {url}（第{n}次尝试）</translation>
    </message>
    <message>
        <source>Connecting to {url}</source>
        <translation>正在连接 {url}</translation>
    </message>
    <message>
        <source>{head} — {reason}</source>
        <translation>{head} — {reason}</translation>
    </message>
    <message>
        <source>Disconnected — {reason}</source>
        <translation>连接已断开 — {reason}</translation>
    </message>
    <message>
        <source>Disconnected from {url}: {reason}</source>
        <translation>与 {url} 的连接已断开：{reason}</translation>
    </message>
    <message>
        <source>Disconnected from {url}</source>
        <translation>与 {url} 的连接已断开</translation>
    </message>
</context>
</TS>
