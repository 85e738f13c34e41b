"""What a template says about itself: its type, how it runs, and its metadata record.

Examples:
    >>> from wumbo.framework import TemplateMetadata, TemplateType
    >>> meta = TemplateMetadata("slugify", template_type=TemplateType.TRANSFORMER, tags=["text"])
    >>> meta.name, meta.version, meta.template_type.value, meta.tags
    ('slugify', '1.0.0', 'transformer', ['text'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

__all__ = ["ExecutionMode", "TemplateMetadata", "TemplateType"]


class TemplateType(Enum):
    """The category a template is registered under.

    Examples:
        >>> [kind.value for kind in TemplateType][:3]
        ['data_processor', 'api_client', 'workflow']
    """

    DATA_PROCESSOR = "data_processor"
    API_CLIENT = "api_client"
    WORKFLOW = "workflow"
    TRANSFORMER = "transformer"
    VALIDATOR = "validator"
    AGGREGATOR = "aggregator"
    PIPELINE = "pipeline"
    CUSTOM = "custom"


class ExecutionMode(Enum):
    """How a template run was started, recorded as ``ExecutionContext.metadata["mode"]``:
    ``execute`` records SYNC and ``execute_async`` ASYNC. BATCH and STREAMING are kept for
    code that labels its own contexts (``create_context(ExecutionMode.BATCH)``).

    Examples:
        >>> from wumbo.framework import create_transformer
        >>> create_transformer().execute(1).context.metadata["mode"]
        <ExecutionMode.SYNC: 'synchronous'>
    """

    SYNC = "synchronous"
    ASYNC = "asynchronous"
    BATCH = "batch"
    STREAMING = "streaming"


@dataclass
class TemplateMetadata:
    """A template's name, version, description, author, type, tags and capabilities.

    Examples:
        >>> TemplateMetadata("t").template_type
        <TemplateType.CUSTOM: 'custom'>
    """

    name: str
    version: str = "1.0.0"
    description: str = ""
    author: str = ""
    template_type: TemplateType = TemplateType.CUSTOM
    tags: list[str] = field(default_factory=list[str])
    dependencies: list[str] = field(default_factory=list[str])
    supports_async: bool = False
    supports_streaming: bool = False
