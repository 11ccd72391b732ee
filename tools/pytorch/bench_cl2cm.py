#!/usr/bin/env python3
"""PyTorch equivalent of `bin/cl2cm bench` (same presets, same steps), the peer for the CUDA backend.

Usage (on a GPU host with torch and transformers):
    python3 tools/pytorch/bench_cl2cm.py --preset bench-small --precision fp32 --steps 20
    python3 tools/pytorch/bench_cl2cm.py --preset bench-base --precision bf16 --compile --seq 128
    python3 tools/pytorch/bench_cl2cm.py --matmul 4096 --precision bf16
--precision bf16 runs forward and losses under torch.autocast (bf16 products, fp32 master weights, TF32 elsewhere);
--compile wraps the encoders and the losses in torch.compile (default mode; the warm-up steps absorb compilation).
Each stage also reports the FLOPs of its matrix products (forward and backward, counted by FlopCounterMode over one
eager step) and the rate they ran at, as `bin/cl2cm bench` reports its own.
On a CPU (e.g. Debian's python3-torch 1.13, which has no transformers; a plain-torch BERT of the same layout is used):
    /usr/bin/python3 tools/pytorch/bench_cl2cm.py --device cpu --threads 2 --preset bench-small --steps 5
Prints one JSON line like the Java command. Models are built as in cl2cm: a Hugging Face BertModel (random init)
with masked mean pooling, a linear projection and L2 normalisation; a ConvNet of [3x3 conv s2, BN, ReLU, 3x3 conv s1,
BN, ReLU] stages with global average pooling (bench-small) or an MLP over 512-d features (bench-base). Stage 1:
InfoNCE(S, T, 0.05) + 0.1 x Sinkhorn OT (cost 1 - cos, eps 0.1, 30 log-domain iterations, plan detached); stage 2:
InfoNCE(V, S) + InfoNCE(V, T) + 1.0 x relational KD from the frozen CLN (teacher tau 0.1, student tau 0.05); backward, clip at 2, AdamW.
"""
import argparse
import contextlib
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
try:
    from transformers import BertConfig, BertModel
except ImportError:  # Debian's python3-torch comes without transformers
    BertModel = None

PRESETS = {
    "bench-small": dict(vocab=8000, hidden=256, layers=4, heads=4, ffn=1024, maxlen=32, embed=256,
                        conv=[32, 64, 128, 256], feat=0, mlp=0, batch=64, seq=32),
    "bench-base": dict(vocab=119547, hidden=768, layers=12, heads=12, ffn=3072, maxlen=512, embed=1024,
                       conv=None, feat=512, mlp=1024, batch=128, seq=32),
}


class PlainBertLayer(nn.Module):
    """One post-LayerNorm BERT layer computed as Hugging Face's BertLayer computes it (eager attention)."""

    def __init__(self, p):
        super().__init__()
        d = p["hidden"]
        self.heads = p["heads"]
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(d, eps=1e-12), nn.LayerNorm(d, eps=1e-12)
        self.up, self.down = nn.Linear(d, p["ffn"]), nn.Linear(p["ffn"], d)
        self.drop = nn.Dropout(0.1)

    def forward(self, x, bias):
        b, t, d = x.shape
        split = lambda y: y.view(b, t, self.heads, d // self.heads).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = self.drop((q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5 + bias).softmax(-1))
        ctx = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.drop(self.o(ctx)))
        return self.ln2(x + self.drop(self.down(F.gelu(self.up(x)))))


class PlainBert(nn.Module):
    """BertModel's encoder path (word + position + token-type embeddings, LayerNorm, layers) and its pooler."""

    def __init__(self, p):
        super().__init__()
        d = p["hidden"]
        self.words, self.pos, self.types = nn.Embedding(p["vocab"], d), nn.Embedding(p["maxlen"], d), nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(0.1)
        self.layers = nn.ModuleList(PlainBertLayer(p) for _ in range(p["layers"]))
        self.pooler = nn.Linear(d, d)

    def forward(self, ids, mask):
        pos = torch.arange(ids.shape[1], device=ids.device)
        x = self.drop(self.ln(self.words(ids) + self.pos(pos) + self.types(torch.zeros_like(ids))))
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.layers:
            x = layer(x, bias)
        torch.tanh(self.pooler(x[:, 0]))  # computed and unused, as BertModel's pooler output is here
        return x


class TextEncoder(nn.Module):
    def __init__(self, p):
        super().__init__()
        if BertModel is None:
            self.bert = PlainBert(p)
        else:
            cfg = BertConfig(vocab_size=p["vocab"], hidden_size=p["hidden"], num_hidden_layers=p["layers"],
                             num_attention_heads=p["heads"], intermediate_size=p["ffn"],
                             max_position_embeddings=p["maxlen"], hidden_act="gelu", layer_norm_eps=1e-12)
            self.bert = BertModel(cfg, add_pooling_layer=True)
        self.proj = nn.Linear(p["hidden"], p["embed"])

    def forward(self, ids, mask):
        h = (self.bert(ids, mask) if BertModel is None
             else self.bert(input_ids=ids, attention_mask=mask).last_hidden_state)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1)
        return F.normalize(self.proj(pooled), dim=-1, eps=1e-12), h


class ConvNet(nn.Module):
    def __init__(self, channels, embed):
        super().__init__()
        layers, c_in = [], 3
        for c in channels:
            layers += [nn.Conv2d(c_in, c, 3, 2, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                       nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            c_in = c
        self.body = nn.Sequential(*layers)
        self.proj = nn.Linear(c_in, embed)

    def forward(self, x):
        return F.normalize(self.proj(self.body(x).mean((2, 3))), dim=-1, eps=1e-12)


class FeatureMlp(nn.Module):
    def __init__(self, feat, hidden, embed):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(feat, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, embed))

    def forward(self, x):
        return F.normalize(self.net(x), dim=-1, eps=1e-12)


def info_nce(a, b, tau):
    logits = a @ b.t() / tau
    labels = torch.arange(a.shape[0], device=a.device)
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))


def sinkhorn_ot(x, y, xm, ym, eps=0.1, iters=30):
    cost = 1 - F.normalize(x, dim=-1, eps=1e-12) @ F.normalize(y, dim=-1, eps=1e-12).transpose(1, 2)
    with torch.no_grad():
        c = cost.detach()
        bias_x = (xm - 1).mul(1e9).unsqueeze(2)
        bias_y = (ym - 1).mul(1e9).unsqueeze(1)
        log_a = -eps * xm.sum(1, keepdim=True).log()
        log_b = -eps * ym.sum(1, keepdim=True).log()
        f = torch.zeros_like(xm)
        g = torch.zeros_like(ym)
        for _ in range(iters):
            f = log_a - eps * torch.logsumexp((g.unsqueeze(1) - c) / eps + bias_y, 2)
            g = log_b - eps * torch.logsumexp((f.unsqueeze(2) - c) / eps + bias_x, 1)
        plan = ((f.unsqueeze(2) + g.unsqueeze(1) - c) / eps).exp() * xm.unsqueeze(2) * ym.unsqueeze(1)
    return (plan * cost).sum((1, 2)).mean()


def kd(teacher_sim, student_sim, tau_t=0.1, tau_s=0.05):
    t = teacher_sim.detach() / tau_t
    s = student_sim / tau_s
    rows = F.kl_div(s.log_softmax(1), t.softmax(1), reduction="batchmean")
    cols = F.kl_div(s.t().log_softmax(1), t.t().softmax(1), reduction="batchmean")
    return 0.5 * (rows + cols)


def tokens(gen, b, seq, vocab, device):
    lengths = torch.randint(seq // 2, seq + 1, (b,), generator=gen)
    ids = torch.randint(103, vocab, (b, seq), generator=gen)
    pos = torch.arange(seq).unsqueeze(0)
    mask = (pos < lengths.unsqueeze(1)).long()
    ids[:, 0] = 101 % vocab
    ids[torch.arange(b), lengths - 1] = 102 % vocab
    ids = ids * mask
    word = mask.clone()
    word[:, 0] = 0
    word[torch.arange(b), lengths - 1] = 0
    return ids.to(device), mask.to(device), word.float().to(device)


def timed(step, steps, warmup=3):
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    times = []
    for i in range(warmup + steps):
        sync()
        t0 = time.perf_counter()
        loss = step()
        loss.item()
        sync()
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="bench-small")
    ap.add_argument("--precision", default="fp32", choices=["fp32", "tf32", "bf16"])
    ap.add_argument("--compile", action="store_true", help="torch.compile the encoders and the losses")
    ap.add_argument("--seq", type=int, help="tokens per caption (default: the preset's, 32)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--matmul", type=int, help="time an n x n x n float32 matmul instead")
    ap.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    ap.add_argument("--threads", type=int, help="CPU threads (torch.set_num_threads)")
    ap.add_argument("--profile", action="store_true", help="CUDA: also print each stage's kernels by GPU time")
    ap.add_argument("--saved", action="store_true",
                    help="CUDA: also print what autograd saves for backward in each stage, by op, and memory at the "
                         "end of the forward pass and the peak")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    cpu = a.device == "cpu"
    card = ("cpu, %d threads" % torch.get_num_threads()) if cpu else torch.cuda.get_device_name()
    torch.backends.cuda.matmul.allow_tf32 = a.precision != "fp32"
    torch.backends.cudnn.allow_tf32 = a.precision != "fp32"
    bf16 = a.precision == "bf16"
    dev = torch.device(a.device)
    torch.manual_seed(1)
    if a.matmul:
        n = a.matmul
        x = torch.randn(n, n, device=dev, dtype=torch.bfloat16 if bf16 else torch.float32)
        y = torch.randn(n, n, device=dev, dtype=x.dtype)
        def products(count=10):   # as `bin/cl2cm bench --matmul`: 10 products, then one wait
            for _ in range(count - 1):
                x @ y
            return (x @ y)[0, 0]

        ms = timed(products, a.steps)
        med = statistics.median(ms) / 10
        print(json.dumps({"peer": "pytorch", "matmul": n, "precision": a.precision, "median_ms": round(med, 3),
                          "tflops": round(2 * n ** 3 / med / 1e9, 1), "card": card}))
        return
    p = dict(PRESETS[a.preset])
    if a.seq:
        p["seq"] = a.seq
        p["maxlen"] = max(p["maxlen"], a.seq)
    b = a.batch or p["batch"]
    cln = TextEncoder(p).to(dev)
    text = TextEncoder(p).to(dev)
    vision = (ConvNet(p["conv"], p["embed"]) if p["conv"] else FeatureMlp(p["feat"], p["mlp"], p["embed"])).to(dev)
    cmn = nn.ModuleList([vision, text])
    opt1 = torch.optim.AdamW(cln.parameters(), lr=1e-4, weight_decay=0.01)
    opt2 = torch.optim.AdamW(cmn.parameters(), lr=1e-4, weight_decay=0.01)
    gen = torch.Generator().manual_seed(2)
    autocast = (lambda: torch.autocast("cuda", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    enc1, enc2, vis = cln, text, vision
    nce, ot, distill = info_nce, sinkhorn_ot, kd

    def update(params, opt, loss):
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 2.0)
        opt.step()
        return loss

    def stage1():
        ids, mask, word = tokens(gen, 2 * b, p["seq"], p["vocab"], dev)
        with autocast():
            e, h = enc1(ids, mask)
            loss = nce(e[:b], e[b:], 0.05) + 0.1 * ot(h[:b], h[b:], word[:b], word[b:])
        return update(list(cln.parameters()), opt1, loss)

    def stage2():
        ids, mask, word = tokens(gen, 2 * b, p["seq"], p["vocab"], dev)
        images = torch.randn((b, 3, 64, 64) if p["conv"] else (b, p["feat"]), device=dev)
        with autocast():
            with torch.no_grad():
                te, _ = enc1(ids, mask)
                teacher = te[:b] @ te[b:].t()
            v = vis(images)
            e, _ = enc2(ids, mask)
            s, t = e[:b], e[b:]
            loss = nce(v, s, 0.05) + nce(v, t, 0.05) + 1.0 * distill(teacher, v @ t.t())
        return update(list(cmn.parameters()), opt2, loss)

    flops = {}
    if not cpu:   # counted on eager steps, before any compilation
        from torch.utils.flop_counter import FlopCounterMode
        for name, fn in (("stage1", stage1), ("stage2", stage2)):
            counter = FlopCounterMode(display=False)
            with counter:
                fn().item()
            flops[name] = counter.get_total_flops()
    if a.compile:
        enc1, enc2, vis = torch.compile(cln), torch.compile(text), torch.compile(vision)
        nce, ot, distill = torch.compile(info_nce), torch.compile(sinkhorn_ot), torch.compile(kd)

    out = {"peer": "pytorch " + torch.__version__, "preset": a.preset, "precision": a.precision,
           "compile": a.compile, "batch": b, "seq_len": p["seq"], "card": card}
    for name, fn in (("stage1", stage1), ("stage2", stage2)):
        if not cpu:
            torch.cuda.reset_peak_memory_stats()
        ms = timed(fn, a.steps)
        out[name] = {"median_ms": round(statistics.median(ms), 1), "min_ms": round(min(ms), 1)}
        if name in flops:
            out[name]["gflop"] = round(flops[name] / 1e9, 1)
            out[name]["tflops"] = round(flops[name] / (statistics.median(ms) * 1e-3) / 1e12, 2)
        if not cpu:
            out[name]["peak_mib"] = round(torch.cuda.max_memory_allocated() / 2 ** 20)
        if a.profile and not cpu:
            profile(name, fn)
        if a.saved and not cpu:
            saved_report(name, fn)
    print(json.dumps(out))


def profile(name, fn, steps=5):
    """Kernels by GPU time over a few steps, as `bin/cl2cm bench --profile` prints ours."""
    from torch.profiler import profile as prof, ProfilerActivity
    with prof(activities=[ProfilerActivity.CUDA]) as p:
        for _ in range(steps):
            fn().item()
        torch.cuda.synchronize()
    print("%s, PyTorch kernels by GPU time (%d steps):" % (name, steps))
    print(p.key_averages().table(sort_by="cuda_time_total", row_limit=30, max_name_column_width=70))


def saved_report(name, fn):
    """What autograd keeps for backward (unique storages, by the op that produced them) when backward starts."""
    seen = {}

    def pack(t):
        key = t.untyped_storage().data_ptr()
        op = "output of " + type(t.grad_fn).__name__ if t.grad_fn is not None else "leaf or no-grad tensor"
        if key not in seen:
            seen[key] = (op, t.untyped_storage().nbytes(), tuple(t.shape))
        return t

    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    orig = torch.Tensor.backward
    at_backward = {}

    def backward(self, *args, **kw):
        at_backward["mib"] = torch.cuda.memory_allocated() / 2 ** 20
        return orig(self, *args, **kw)

    torch.Tensor.backward = backward
    try:
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
            fn().item()
    finally:
        torch.Tensor.backward = orig
    by_op = {}
    for op, nbytes, shape in seen.values():
        n, total, shapes = by_op.get(op, (0, 0, set()))
        shapes.add(shape)
        by_op[op] = (n + 1, total + nbytes, shapes)
    print("%s: memory before the step %.0f MiB, when backward starts %.0f MiB, peak %.0f MiB; saved for backward "
          "(unique storages) %.0f MiB:" % (name, base / 2 ** 20, at_backward.get("mib", -1),
                                           torch.cuda.max_memory_allocated() / 2 ** 20,
                                           sum(v[1] for v in by_op.values()) / 2 ** 20))
    for op, (n, total, shapes) in sorted(by_op.items(), key=lambda kv: -kv[1][1])[:20]:
        print("%10.1f %5d  %s %s" % (total / 2 ** 20, n, op, sorted(shapes)[:3]))


if __name__ == "__main__":
    main()
