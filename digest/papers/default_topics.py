"""The editorial topics a new installation starts with (seeded by migrations 0003 and 0013; editors change them in
the admin). Each: slug, English name, Simplified Chinese name, descriptions, arXiv categories, keyword patterns.

The patterns are chosen to split a day of AI papers, not to describe a field: words every LLM abstract uses
("language model", "reasoning", "benchmark", "efficient") are not patterns on their own, since a topic that matches
nine papers in ten does not change what a reader gets. digest.papers.classify scores a title match above an abstract
match and keeps a paper's best three topics.
"""

TOPICS = [
    (
        "llm",
        "LLM training & architecture",
        "大模型训练与架构",
        "Pre-training, scaling laws, attention and architectures, tokenizers, long context",
        "预训练、缩放定律、注意力与架构、分词器、长上下文",
        [],
        [
            r"\bpre-?train(ing|ed)?\b",
            r"scaling laws?",
            r"\btokeniz",
            r"long[- ]context",
            r"position(al)? (encoding|embedding)",
            r"\battention (mechanism|heads?|sink)",
            r"\bstate[- ]space models?\b",
            r"\blearning rate\b",
            r"\boptimizers?\b",
            r"\bdiffusion (large )?language models?\b|\bdLLMs?\b",
            r"\bmemoriz",
            r"\bcontinual pre-?training\b",
        ],
    ),
    (
        "reasoning",
        "Reasoning",
        "推理能力",
        "Mathematical and logical reasoning, code, chain of thought, test-time compute",
        "数学与逻辑推理、代码、思维链、测试时计算",
        [],
        [
            r"\b(LLM|math|logical|general|multi-hop|latent|code) reasoning\b",
            r"\breasoning (abilit|capabilit|boundar|length)",
            r"chain[- ]of[- ]thoughts?",
            r"\breasoning models?\b|\bLRMs?\b",
            r"\bmath(ematical)? (reasoning|problems?)\b|\bmath\b",
            r"\btheorem[- ]proving\b|\bformal (math|proofs?)",
            r"test[- ]time (compute|scaling)",
            r"\b(long|slow)[- ]thinking\b|\boverthinking\b",
            r"\bcode (generation|reasoning)\b|\bcompetitive programming\b",
            r"\blogical reasoning\b|\bpuzzles?\b",
            r"\bprocess reward models?\b|\bPRMs?\b",
        ],
    ),
    (
        "vision",
        "Computer vision",
        "计算机视觉",
        "Detection, segmentation, 3D, video understanding, image and video generation",
        "检测、分割、三维、视频理解、图像与视频生成",
        ["cs.CV", "eess.IV", "cs.GR"],
        [
            r"\bobject detection\b|\bdetector\b",
            r"\bsegmentation\b",
            r"\b3D\b|\bpoint clouds?\b|\bGaussian splatting\b|\bNeRF\b",
            r"\bimage (generation|editing|restoration|synthesis|classification)\b",
            r"\bvideo (generation|understanding|diffusion)\b",
            r"\bdiffusion (models?|transformers?)\b",
            r"\bpixels?\b|\bimages\b",
        ],
    ),
    (
        "multimodal",
        "Multimodal",
        "多模态",
        "Models that combine text, images, audio and video",
        "融合文本、图像、音频与视频的模型",
        [],
        [
            r"multi-?modal",
            r"vision[- ]language",
            r"\bVLMs?\b",
            r"\bMLLMs?\b",
            r"text-to-(image|video)",
            r"\bCLIP\b",
            r"\bvisual (question|tokens?|instruction)",
            r"\bimage-text\b|\binterleaved\b",
        ],
    ),
    (
        "rl-alignment",
        "RL & alignment",
        "强化学习与对齐",
        "Reinforcement learning, RLHF, reward models, preference optimization",
        "强化学习、RLHF、奖励模型与偏好优化",
        [],
        [
            r"reinforcement learning|\bRL\b",
            r"\bRLHF\b",
            r"\bRLVR\b|verifiable rewards?",
            r"\balignment\b",
            r"\bDPO\b|preference optimi[sz]ation",
            r"\bGRPO\b|\bPPO\b|policy (gradient|optimi[sz]ation)",
            r"reward models?",
            r"human preferences?",
        ],
    ),
    (
        "safety",
        "Safety & trust",
        "安全与可信",
        "Jailbreaks, hallucination, privacy, fairness, interpretability",
        "越狱攻击、幻觉、隐私、公平性与可解释性",
        [],
        [
            r"\bsafety\b|\bharmful\b",
            r"\bjailbreak",
            r"\bhallucinat",
            r"\bprivacy\b|\bmembership inference\b",
            r"\bfairness\b|\bbias(es)?\b",
            r"\binterpretab|\bmechanistic\b|\bsparse autoencoders?\b",
            r"\badversarial\b|\bbackdoor",
            r"\bfactuality\b|\bwatermark",
        ],
    ),
    (
        "robotics",
        "Robotics",
        "机器人",
        "Embodied agents, manipulation, navigation, autonomous driving",
        "具身智能、操作、导航与自动驾驶",
        ["cs.RO"],
        [r"\brobot", r"\bembodied\b", r"\bmanipulation\b", r"\blocomotion\b", r"autonomous driving", r"\bnavigation\b"],
    ),
    (
        "efficiency",
        "Efficiency & systems",
        "效率与系统",
        "Inference speed, quantization, mixture of experts, training systems",
        "推理加速、量化、混合专家与训练系统",
        ["cs.DC", "cs.AR", "cs.PF"],
        [
            r"\bquantiz",
            r"\bpruning\b",
            r"\b(knowledge )?distillation\b",
            r"\blatency\b|\bthroughput\b|\bspeed-?ups?\b",
            r"\bKV[- ]cache",
            r"\bmixture[- ]of[- ]experts\b|\bMoE\b",
            r"\bGPUs?\b|\bNPUs?\b|\bkernels?\b",
            r"\bsparse attention|\bspeculative decoding\b",
            r"\b(inference|training) (acceleration|efficiency)\b",
        ],
    ),
    (
        "speech-audio",
        "Speech & audio",
        "语音与音频",
        "Speech recognition and synthesis, music, sound",
        "语音识别与合成、音乐与声音",
        ["cs.SD", "eess.AS"],
        [r"\bspeech\b", r"\baudio\b", r"\bASR\b", r"text-to-speech", r"\bTTS\b", r"\bmusic\b", r"\bspoken\b"],
    ),
    (
        "nlp",
        "Language & applications",
        "语言与应用",
        "Translation, multilingual text, retrieval and RAG, question answering, information extraction",
        "翻译、多语言、检索与 RAG、问答、信息抽取",
        ["cs.IR"],
        [
            r"\btranslation\b",
            r"\bmultilingual\b|\blow-resource\b|\bcross-lingual\b",
            r"\bretrieval\b|\bRAG\b",
            r"\bquestion answering\b",
            r"\binformation extraction\b|\bnamed entit",
            r"\bsummari[sz]ation\b",
            r"\bsentiment\b|\bdialogue\b",
            r"\bmedical\b|\bclinical\b|\blegal\b|\bfinancial\b",
        ],
    ),
    (
        "theory",
        "Theory",
        "理论",
        "Learning theory, optimization, convergence",
        "学习理论、优化与收敛",
        ["math.OC", "stat.TH", "math.ST"],
        [
            r"\btheoretical\b",
            r"\bconvergence\b",
            r"\bregret bound",
            r"\bsample complexity\b",
            r"\btheorem\b",
            r"\bprovabl",
        ],
    ),
    (
        "datasets-benchmarks",
        "Datasets & benchmarks",
        "数据集与基准",
        "New datasets, benchmarks and evaluations",
        "新数据集、基准与评测",
        [],
        [
            r"\b(a|new|novel|first) (large-scale )?(benchmark|dataset|corpus)\b",
            r"\bleaderboard\b",
            r"\bwe (introduce|present|release|construct|curate) \w+(Bench|Eval)\b|\w+Bench\b",
            r"\bevaluation suite\b|\bLLM-as-a-judge\b",
            r"\b(data|dataset) curation\b|\btraining data\b|\bsynthetic data\b",
        ],
    ),
    (
        "agents",
        "Agents",
        "智能体",
        "Tool use, planning, multi-agent and computer-use agents",
        "工具使用、规划、多智能体与计算机操作智能体",
        ["cs.MA"],
        [
            r"\bagents?\b",
            r"\bagentic\b",
            r"tool[- ]use|\btool calling\b",
            r"\bmulti-agent\b",
            r"\bGUI\b|\bweb (navigation|browsing)\b",
            r"\bsearch engines?\b",
        ],
    ),
    (
        "ml",
        "Machine learning methods",
        "机器学习方法",
        "Graphs, time series, tabular data, anomaly detection, probabilistic, causal and scientific machine learning",
        "图学习、时间序列、表格数据、异常检测、概率与因果方法、科学机器学习",
        ["cs.LG", "stat.ML"],
        [
            r"\bgraph neural networks?\b|\bGNNs?\b|\bgraph (learning|representation)",
            r"\btime[- ]series\b|\bforecasting\b",
            r"\btabular\b",
            r"\banomaly detection\b|\bout-of-distribution\b",
            r"\bgaussian process(es)?\b|\bbayesian (optimi[sz]ation|inference|neural)",
            r"\bfederated learning\b",
            r"\bphysics-informed\b|\bneural operators?\b|\bsurrogate models?\b",
            r"\bcausal (inference|discovery)\b",
            r"\bclustering\b",
            r"\bcontinual learning\b|\bcatastrophic forgetting\b",
        ],
    ),
]


def _fields(topic: tuple, position: int) -> dict:
    _, name_en, name_zh, desc_en, desc_zh, categories, keywords = topic
    return dict(name_en=name_en, name_zh=name_zh, description_en=desc_en, description_zh=desc_zh,
                arxiv_categories=categories, keywords=keywords, position=position)  # fmt: skip


def seed_topics(topic_model) -> None:
    """Every default topic as defined here (a migration that changes the defaults' rules)."""
    for position, topic in enumerate(TOPICS):
        topic_model.objects.update_or_create(slug=topic[0], defaults=_fields(topic, position))


def add_missing_topic(topic_model, slug: str) -> None:
    """One default topic, only where it is missing: the others, and what editors changed, are left alone."""
    position, topic = next((i, t) for i, t in enumerate(TOPICS) if t[0] == slug)
    topic_model.objects.get_or_create(slug=slug, defaults=_fields(topic, max(position, topic_model.objects.count())))
