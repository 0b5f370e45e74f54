// Cadre console: plain JavaScript, no framework. Every string from a run goes into the page as text, never as HTML.
'use strict';

const main = document.getElementById('main');
const connection = document.getElementById('connection');
let teardown = () => {};

const STATUS_TEXT = {
  RUNNING: 'running', WAITING_FOR_HUMAN: 'waiting for you', SUCCEEDED: 'finished', FAILED: 'failed',
  CANCELLED: 'cancelled', INTERRUPTED: 'interrupted', running: 'running', done: 'done', failed: 'failed', waiting: 'waiting',
  approval: 'waiting for approval'
};

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch('api/' + path, Object.assign({ credentials: 'same-origin' }, init));
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || ('HTTP ' + response.status));
  return data;
}

function stream(path, onData, onEnd) {
  const source = new EventSource('api/' + path);
  source.onopen = () => connection.classList.add('live');
  source.onerror = () => connection.classList.remove('live');
  source.onmessage = (m) => onData(JSON.parse(m.data));
  source.addEventListener('end', () => { source.close(); connection.classList.remove('live'); if (onEnd) onEnd(); });
  return () => source.close();
}

const badge = (status) => h('span', { class: 'badge ' + status, 'data-test': 'status' }, STATUS_TEXT[status] || status);
const money = (cost) => (cost === undefined || cost === null) ? '' : '$' + Number(cost).toFixed(4);
const tokens = (u) => u ? (u.inputTokens + u.outputTokens) : 0;
function duration(ms) {
  if (ms < 1000) return ms + ' ms';
  const s = Math.round(ms / 1000);
  return s < 60 ? s + ' s' : Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
}
function liveDuration(s) {
  return s.endedAt || !s.live ? s.durationMs : Math.max(s.durationMs, Date.now() - Date.parse(s.startedAt));
}

// ---- the runs list and the start form ----

async function showRuns() {
  const runs = new Map();
  const tbody = h('tbody');
  const table = h('table', { 'data-test': 'runs' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Crew'), h('th', {}, 'Task'), h('th', {}, 'Status'),
      h('th', { class: 'num' }, 'Tokens'), h('th', { class: 'num' }, 'Cost'), h('th', { class: 'num' }, 'Duration'))), tbody);
  const formPanel = h('div');
  main.replaceChildren(formPanel, h('h2', {}, 'Runs'), table);

  function renderRows() {
    const list = [...runs.values()].sort((a, b) => (b.startedAt || '').localeCompare(a.startedAt || '') || b.runId.localeCompare(a.runId));
    tbody.replaceChildren(...(list.length ? list.map((s) => h('tr', { 'data-run': s.runId },
      h('td', {}, h('a', { href: '#/runs/' + encodeURIComponent(s.runId) }, s.runId)),
      h('td', {}, s.crew), h('td', { class: 'task', title: s.task }, s.task),
      h('td', {}, badge(s.status), s.pendingCheckpoints ? ' ' + s.pendingCheckpoints + ' to decide' : '', s.live ? '' : h('span', { class: 'muted' }, ' (journal)'),
        s.journal ? h('span', { class: 'badge FAILED', 'data-test': 'journal' }, 'journal ' + s.journal.split(':')[0]) : ''),
      h('td', { class: 'num' }, s.inputTokens + s.outputTokens), h('td', { class: 'num' }, money(s.cost)),
      h('td', { class: 'num' }, duration(liveDuration(s)))))
      : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No runs yet.'))]));
  }

  const stop = stream('updates', (s) => { runs.set(s.runId, s); renderRows(); });
  const ticker = setInterval(renderRows, 1000);
  teardown = () => { stop(); clearInterval(ticker); };
  (await api('runs')).forEach((s) => runs.set(s.runId, s));
  renderRows();
  const crews = await api('crews');
  if (crews.canStart && crews.crews.length) formPanel.replaceChildren(startForm(crews.crews));
}

function startForm(crews) {
  const select = h('select', { name: 'crew', 'data-test': 'crew' }, crews.map((c) => h('option', { value: c.name }, c.name)));
  const task = h('textarea', { name: 'task', 'data-test': 'task', placeholder: 'What should the crew do?' });
  const inputs = h('div');
  const error = h('div', { class: 'error' });
  const button = h('button', { class: 'primary', type: 'submit', 'data-test': 'start' }, 'Start');
  function renderInputs() {
    const crew = crews.find((c) => c.name === select.value);
    inputs.replaceChildren(...Object.entries(crew ? crew.inputs : {}).map(([k, v]) =>
      h('div', {}, h('label', { class: 'muted' }, '{' + k + '} '), h('input', { type: 'text', 'data-input': k, value: v }))));
  }
  select.addEventListener('change', renderInputs);
  renderInputs();
  const form = h('form', { class: 'start panel', 'data-test': 'start-form' },
    h('label', {}, 'Crew'), select, h('label', {}, 'Task'), task, h('label', {}, 'Inputs'), inputs, h('span'),
    h('div', {}, button, error));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    error.textContent = '';
    const values = {};
    inputs.querySelectorAll('input[data-input]').forEach((i) => { values[i.dataset.input] = i.value; });
    try {
      const started = await api('runs', { crew: select.value, task: task.value, inputs: values });
      location.hash = '#/runs/' + encodeURIComponent(started.runId);
    } catch (err) {
      error.textContent = err.message;
      button.disabled = false;
    }
  });
  return h('div', {}, h('h2', {}, 'Start a crew'), form);
}

// ---- one run ----

function showRun(runId) {
  const nodes = new Map();
  const calls = new Map();
  const open = new Map();
  const seen = new Set();
  let info = null;
  let renderQueued = false;
  let refreshQueued = false;

  const summaryEl = h('div', { class: 'panel summary', 'data-test': 'summary' });
  const checkpointsEl = h('div', { 'data-test': 'checkpoints' });
  const treeEl = h('div', { 'data-test': 'tree' });
  const resultEl = h('div');
  main.replaceChildren(h('p', {}, h('a', { href: '#/' }, '← all runs')), summaryEl, checkpointsEl, h('h2', {}, 'Steps'), treeEl, resultEl);

  function node(path) {
    let n = nodes.get(path);
    if (!n) {
      n = { path, name: path === '' ? 'run' : path.slice(path.lastIndexOf('/') + 1), children: [], items: [], status: 'running', streaming: '' };
      nodes.set(path, n);
      if (path !== '') node(path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '').children.push(n);
    }
    return n;
  }

  function apply(e) {
    if (e.type === 'rate_limit_wait') {   // live, not journaled: it carries the last journaled event's seq
      node(e.stepPath || '').items.push({ t: 'rate', e });
      queueRender();
      return;
    }
    if (seen.has(e.seq)) return;
    seen.add(e.seq);
    const n = node(e.stepPath || '');
    switch (e.type) {
      case 'run_started': n.kind = 'crew ' + e.crew; n.description = e.task && e.task.description; break;
      case 'step_started': n.finished = false; n.status = 'running'; n.kind = e.kind; n.agent = e.agent; n.description = e.description; break;
      case 'model_requested': n.items.push({ t: 'prompt', e }); break;
      case 'token_streamed': n.streaming += e.token; break;
      case 'model_responded': n.streaming = ''; n.items.push({ t: 'answer', e }); break;
      case 'tool_called': { const item = { t: 'tool', e, result: null }; calls.set(e.stepPath + '|' + e.callId, item); n.items.push(item); break; }
      case 'tool_returned': { const item = calls.get(e.stepPath + '|' + e.callId); if (item) item.result = e; else n.items.push({ t: 'tool', e, result: e }); break; }
      case 'step_finished': n.status = 'done'; n.finished = true; n.output = e.output; n.usage = e.usage; n.outcome = e.outcome; break;
      case 'step_failed': n.status = 'failed'; n.reason = e.reason; n.usage = e.usage; break;
      case 'checkpoint_requested': n.status = e.checkpoint.kind === 'TOOL_APPROVAL' ? 'approval' : 'waiting'; n.items.push({ t: 'asked', e }); break;
      case 'checkpoint_resolved': if (n.status === 'waiting' || n.status === 'approval') n.status = n.finished ? 'done' : 'running'; n.items.push({ t: 'decision', e }); break;
      case 'budget_warning': n.items.push({ t: 'budget', e }); break;
      case 'run_finished': n.status = 'done'; n.output = e.output; n.usage = e.usage; break;
      case 'run_failed': n.status = 'failed'; n.reason = e.reason; n.usage = e.usage; break;
      case 'run_cancelled': n.status = 'failed'; n.reason = e.reason; n.usage = e.usage; break;
    }
    if (e.type !== 'token_streamed' && e.type !== 'model_requested') queueRefresh();
    queueRender();
  }

  function queueRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; renderTree(); });
  }

  function queueRefresh() {
    if (refreshQueued) return;
    refreshQueued = true;
    setTimeout(() => { refreshQueued = false; refresh(); }, 150);
  }

  async function refresh() {
    try {
      info = await api('runs/' + encodeURIComponent(runId));
    } catch (err) {
      summaryEl.replaceChildren(h('div', { class: 'error' }, err.message));
      return;
    }
    renderSummary();
    renderCheckpoints();
  }

  function field(label, value, test) {
    return h('div', { class: 'field' }, h('span', {}, label), h('span', { 'data-test': test }, value));
  }

  function forkChanges(f) {
    const changes = Object.keys(f.editedOutputs || {}).map(step => 'output of ' + step + ' edited')
      .concat(Object.entries(f.models || {}).map(([agent, model]) => agent + ' on ' + model));
    return changes.length ? ' (' + changes.join('; ') + ')' : '';
  }

  function renderSummary() {
    const s = info.summary;
    const cancel = info.canAnswer ? h('button', { class: 'danger', onclick: async () => { await api('runs/' + encodeURIComponent(runId) + '/cancel', {}); } }, 'Cancel run') : null;
    summaryEl.replaceChildren(field('Run', s.runId), field('Crew', s.crew), h('div', { class: 'field' }, h('span', {}, 'Status'), badge(s.status)),
      s.journal ? h('div', { class: 'field error', 'data-test': 'journal' }, h('span', {}, 'Journal'), 'journal ' + s.journal) : '',
      s.forkedFrom ? h('div', { class: 'field', 'data-test': 'forked-from' }, h('span', {}, 'Forked from'),
        h('a', { href: '#/runs/' + encodeURIComponent(s.forkedFrom.parentRunId) }, s.forkedFrom.parentRunId),
        ' at event ' + s.forkedFrom.atSeq + forkChanges(s.forkedFrom)) : '',
      field('Tokens', String(s.inputTokens + s.outputTokens) + ' (' + s.inputTokens + ' in, ' + s.outputTokens + ' out)', 'tokens'),
      field('Cost', money(s.cost), 'cost'), field('Model calls', String(s.modelCalls)), field('Tool calls', String(s.toolCalls)),
      field('Duration', duration(liveDuration(s)), 'duration'), cancel || '');
    const root = nodes.get('');
    resultEl.replaceChildren();
    if (s.status === 'SUCCEEDED' && root && root.output !== undefined) resultEl.append(h('h2', {}, 'Output'), h('pre', { 'data-test': 'output' }, root.output));
    if (s.reason) resultEl.append(h('h2', {}, 'Why it stopped'), h('p', { class: 'error' }, s.reason));
  }

  function renderCheckpoints() {
    const pending = info.pendingCheckpoints || [];
    const keep = new Set(pending.map((c) => c.id));
    checkpointsEl.querySelectorAll('[data-checkpoint]').forEach((el) => { if (!keep.has(el.dataset.checkpoint)) el.remove(); });
    for (const c of pending) {
      if (checkpointsEl.querySelector('[data-checkpoint="' + CSS.escape(c.id) + '"]')) continue;
      checkpointsEl.append(checkpointForm(c));
    }
  }

  // A tool approval's proposed output is "tool {arguments}": editing it edits the arguments, a JSON object.
  const toolArguments = (c) => { const p = c.proposedOutput || ''; const i = p.indexOf(' '); return i < 0 ? '{}' : p.slice(i + 1); };

  function checkpointForm(c) {
    const tool = c.kind === 'TOOL_APPROVAL';
    const error = h('div', { class: 'error' });
    const text = h('textarea', { 'data-test': 'feedback', placeholder: tool ? 'Feedback (needed to reject), or the tool\'s new arguments as JSON' : 'Feedback (needed to reject), or the edited output' });
    const decide = async (decision) => {
      const body = { checkpointId: c.id, decision };
      if (decision === 'edit' && tool) {
        let args;
        try { args = JSON.parse(text.value); } catch (err) { error.textContent = 'The arguments are not JSON: ' + err.message; return; }
        if (args === null || typeof args !== 'object' || Array.isArray(args)) { error.textContent = 'The arguments must be a JSON object.'; return; }
        body.editedOutput = JSON.stringify(args);
      } else if (decision === 'edit') body.editedOutput = text.value;
      else if (text.value.trim()) body.feedback = text.value;
      try {
        await api('runs/' + encodeURIComponent(runId) + '/checkpoints', body);
        box.remove();
        refresh();
      } catch (err) {
        error.textContent = err.message;
      }
    };
    const canAnswer = info.canAnswer;
    const box = h('div', { class: 'checkpoint', 'data-checkpoint': c.id },
      h('h3', {}, tool ? 'Waiting for approval' : 'Waiting for your decision'),
      h('div', { class: 'muted' }, [c.kind, c.agent ? 'agent ' + c.agent : null, c.stepPath ? 'step ' + c.stepPath : null].filter(Boolean).join(' · ')),
      h('p', { 'data-test': 'question' }, c.question),
      c.proposedOutput ? h('pre', { 'data-test': 'proposed' }, c.proposedOutput) : null,
      canAnswer ? [text, h('div', { class: 'actions' },
        h('button', { class: 'approve', 'data-test': 'approve', onclick: () => decide('approve') }, 'Approve'),
        h('button', { 'data-test': 'reject', onclick: () => decide('reject') }, 'Reject with feedback'),
        h('button', { 'data-test': 'edit', onclick: () => { if (!text.value && c.proposedOutput) { text.value = tool ? toolArguments(c) : c.proposedOutput; text.focus(); } else decide('edit'); } }, tool ? 'Edit arguments (JSON)' : 'Edit output'),
        h('button', { class: 'danger', 'data-test': 'abort', onclick: () => decide('abort') }, 'Abort run')), error]
        : h('p', { class: 'muted' }, 'This run is not running in this process; answer it with: cadre runs resume ' + runId));
    return box;
  }

  function renderItem(item) {
    const e = item.e;
    if (item.t === 'prompt' && !e.newMessages.length) {
      return h('div', { class: 'item prompt' }, h('div', { class: 'label' }, 'called ' + e.model + ' again (turn ' + e.turn + ') with the results above'));
    }
    if (item.t === 'prompt') {
      return h('details', { class: 'item prompt' }, h('summary', { class: 'label' }, 'prompt to ' + e.model + ' (turn ' + e.turn + ', ' + e.newMessages.length + ' new message' + (e.newMessages.length === 1 ? '' : 's') + (e.tools && e.tools.length ? ', tools: ' + e.tools.join(', ') : '') + ')'),
        e.newMessages.map((m) => h('div', {}, h('div', { class: 'label' }, m.role), h('pre', {}, m.text))));
    }
    if (item.t === 'answer') {
      return h('div', { class: 'item answer' }, h('div', { class: 'label' }, e.agent + ' answered · ' + e.model + ' · ' + tokens(e.usage) + ' tokens · ' + money(e.usage && e.usage.cost) + (e.cached ? ' · from cache' : '')),
        e.text ? h('pre', {}, e.text) : null,
        (e.toolCalls || []).length ? h('div', { class: 'muted' }, 'asks for: ' + e.toolCalls.map((c) => c.name).join(', ')) : null);
    }
    if (item.t === 'tool') {
      const r = item.result;
      return h('div', { class: 'item tool', 'data-test': 'tool-call' }, h('div', { class: 'label' }, 'tool ' + e.tool + (r ? (r.error ? ' · failed' : ' · returned') + (r.cached ? ' (cached)' : '') : ' · running…')),
        h('pre', {}, e.arguments || '{}'), r && r !== e ? h('pre', {}, r.result) : null);
    }
    if (item.t === 'asked') return h('div', { class: 'item checkpoint-asked' }, h('div', { class: 'label' }, 'checkpoint: ' + e.checkpoint.question));
    if (item.t === 'decision') {
      const d = e.decision;
      return h('div', { class: 'item decision' }, h('div', { class: 'label' }, 'decided: ' + d.kind.toLowerCase() + (d.decidedBy ? ' by ' + d.decidedBy : '')),
        d.feedback ? h('pre', {}, d.feedback) : null, d.editedOutput ? h('pre', {}, d.editedOutput) : null);
    }
    if (item.t === 'rate') return h('div', { class: 'item', 'data-test': 'rate-limit-wait' }, h('div', { class: 'label' }, 'waiting for ' + e.model + ': ' + e.reason + ', about ' + Math.ceil(e.expectedWaitMillis / 1000) + ' s' + (e.waitingAhead ? ', ' + e.waitingAhead + ' calls ahead' : '')));
    if (item.t === 'budget') return h('div', { class: 'item' }, h('div', { class: 'label' }, 'budget warning: ' + e.limit + ' ' + e.used + ' of ' + e.max));
    return null;
  }

  // A grouping the orchestrator reports no events for (a debate round): as done as its children.
  function statusOf(n) {
    if (n.kind !== undefined || !n.children.length) return n.status;
    const states = n.children.map(statusOf);
    return states.includes('failed') ? 'failed' : states.includes('approval') ? 'approval' : states.includes('waiting') ? 'waiting' : states.every((st) => st === 'done') ? 'done' : 'running';
  }

  function lastAnswer(n) {
    const answers = n.items.filter((i) => i.t === 'answer');
    return answers.length ? answers[answers.length - 1].e.text : undefined;
  }

  function renderNode(n) {
    const status = statusOf(n);
    const side = /^round-\d+$/.test(n.name) || n.kind === 'parallel' || n.kind === 'vote';
    const isOpen = open.has(n.path) ? open.get(n.path) : true;
    const el = h('details', { class: 'step ' + status, 'data-path': n.path, open: isOpen },
      h('summary', {}, h('span', { class: 'name' }, n.name), h('span', { class: 'muted' }, n.agent ? 'agent ' + n.agent : (n.kind || '')),
        badge(status), n.outcome ? h('span', { class: 'outcome' }, n.outcome) : null,
        h('span', { class: 'usage' }, n.usage ? tokens(n.usage) + ' tokens · ' + money(n.usage.cost) : '')),
      h('div', { class: 'step-body' },
        n.description ? h('div', { class: 'muted' }, n.description) : null,
        n.items.map(renderItem),
        n.streaming ? h('pre', { class: 'streaming' }, n.streaming) : null,
        n.children.length ? h('div', { class: 'children' + (side ? ' side-by-side' : '') }, n.children.map(renderNode)) : null,
        n.path !== '' && n.output !== undefined && n.agent && n.output !== lastAnswer(n) ? h('div', { class: 'item' }, h('div', { class: 'label' }, 'output'), h('pre', {}, n.output)) : null,
        n.reason ? h('div', { class: 'error' }, n.reason) : null));
    el.addEventListener('toggle', () => open.set(n.path, el.open));
    return el;
  }

  function renderTree() {
    const root = nodes.get('');
    treeEl.replaceChildren(...(root ? root.children.map(renderNode) : [h('p', { class: 'muted' }, 'No steps yet.')]));
    if (info) renderSummary();
  }

  const stop = stream('runs/' + encodeURIComponent(runId) + '/events', apply, refresh);
  const ticker = setInterval(() => { if (info && info.summary.live && !info.summary.endedAt) renderSummary(); }, 1000);
  teardown = () => { stop(); clearInterval(ticker); };
  refresh();
}

function route() {
  teardown();
  teardown = () => {};
  const m = location.hash.match(/^#\/runs\/(.+)$/);
  if (m) showRun(decodeURIComponent(m[1]));
  else showRuns().catch((err) => main.replaceChildren(h('p', { class: 'error' }, err.message)));
}

window.addEventListener('hashchange', route);
route();
