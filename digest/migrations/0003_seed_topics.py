"""Seeds the editorial topics. Editors change keywords and categories in the admin afterwards."""

from django.db import migrations

TOPICS = [
    (
        "llm",
        "Large language models",
        "大语言模型",
        "Language models, reasoning, prompting, pre-training",
        "语言模型、推理、提示与预训练",
        ["cs.CL"],
        [
            r"\bLLMs?\b",
            r"language models?",
            r"chain[- ]of[- ]thought",
            r"\breasoning\b",
            r"\bprompt",
            r"\bGPT",
            r"\btransformers?\b",
            r"\bpre-?training\b",
        ],
    ),
    (
        "vision",
        "Computer vision",
        "计算机视觉",
        "Images, video, detection, segmentation, generation",
        "图像、视频、检测、分割与生成",
        ["cs.CV", "eess.IV"],
        [r"\bimages?\b", r"\bvideos?\b", r"\bvisual\b", r"\bsegmentation\b", r"object detection", r"\bdiffusion\b"],
    ),
    (
        "multimodal",
        "Multimodal",
        "多模态",
        "Models that combine text, images, audio and video",
        "融合文本、图像、音频与视频的模型",
        [],
        [r"multi-?modal", r"vision[- ]language", r"\bVLMs?\b", r"\bMLLMs?\b", r"text-to-(image|video)", r"\bCLIP\b"],
    ),
    (
        "rl-alignment",
        "RL & alignment",
        "强化学习与对齐",
        "Reinforcement learning, RLHF, safety and alignment",
        "强化学习、RLHF、安全与对齐",
        [],
        [
            r"reinforcement learning",
            r"\bRLHF\b",
            r"\bRLVR\b",
            r"\balignment\b",
            r"\bDPO\b",
            r"\bGRPO\b",
            r"reward model",
            r"\bsafety\b",
            r"\bjailbreak",
        ],
    ),
    (
        "robotics",
        "Robotics",
        "机器人",
        "Embodied agents, manipulation, navigation, control",
        "具身智能、操作、导航与控制",
        ["cs.RO"],
        [r"\brobot", r"\bembodied\b", r"\bmanipulation\b", r"\blocomotion\b", r"autonomous driving"],
    ),
    (
        "efficiency",
        "Efficiency & systems",
        "效率与系统",
        "Inference speed, quantization, training systems",
        "推理加速、量化与训练系统",
        ["cs.DC", "cs.AR", "cs.PF"],
        [
            r"\bquantiz",
            r"\bpruning\b",
            r"\bdistillation\b",
            r"\blatency\b",
            r"\bthroughput\b",
            r"\bKV[- ]cache",
            r"\bmixture[- ]of[- ]experts\b",
            r"\bMoE\b",
            r"\befficien(t|cy)\b",
            r"\bGPUs?\b",
            r"\bsparse attention",
        ],
    ),
    (
        "speech-audio",
        "Speech & audio",
        "语音与音频",
        "Speech recognition and synthesis, music, sound",
        "语音识别与合成、音乐与声音",
        ["cs.SD", "eess.AS"],
        [r"\bspeech\b", r"\baudio\b", r"\bASR\b", r"text-to-speech", r"\bTTS\b", r"\bmusic\b"],
    ),
    (
        "theory",
        "Theory",
        "理论",
        "Learning theory, optimization, convergence",
        "学习理论、优化与收敛",
        ["math.OC", "stat.TH"],
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
        [r"\bbenchmarks?\b", r"\bdatasets?\b", r"\bleaderboard\b", r"\bevaluation suite\b"],
    ),
    (
        "agents",
        "Agents",
        "智能体",
        "Tool use, planning, multi-agent and computer-use agents",
        "工具使用、规划、多智能体与计算机操作智能体",
        ["cs.MA"],
        [r"\bagents?\b", r"\bagentic\b", r"tool[- ]use", r"\bmulti-agent\b", r"\bplanning\b", r"\bGUI\b"],
    ),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("digest", "Topic")
    for position, (slug, name_en, name_zh, desc_en, desc_zh, categories, keywords) in enumerate(TOPICS):
        Topic.objects.update_or_create(
            slug=slug,
            defaults=dict(
                name_en=name_en,
                name_zh=name_zh,
                description_en=desc_en,
                description_zh=desc_zh,
                arxiv_categories=categories,
                keywords=keywords,
                position=position,
            ),
        )


def unseed(apps, schema_editor):
    apps.get_model("digest", "Topic").objects.filter(slug__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("digest", "0002_delivery_subscriber")]
    operations = [migrations.RunPython(seed, unseed)]
