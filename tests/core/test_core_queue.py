from nemo_tui.core.queue import TurnQueue


def test_messages_come_out_in_order_and_the_last_typed_one_can_be_dropped() -> None:
    queue: TurnQueue[str] = TurnQueue()
    queue.add("make it 5 seconds", "a")
    queue.add("", "export")  # a confirmed action: not a typed message
    queue.add("add music", "b")
    assert queue.texts == ["make it 5 seconds", "add music"] and len(queue) == 3
    assert queue.drop_last().text == "add music"  # type: ignore[union-attr]
    assert queue.drop_last().text == "make it 5 seconds"  # type: ignore[union-attr]  # skips the action
    assert queue.drop_last() is None
    assert queue.next().item == "export"  # type: ignore[union-attr]
    assert queue.next() is None


def test_held_queue_hands_nothing_out_and_answers_go_first() -> None:
    queue: TurnQueue[str] = TurnQueue()
    queue.add("add a title", "t")
    queue.held = True
    assert queue.next() is None
    queue.held = False
    queue.add_first("1. Subject?: Ocean", "answer")
    assert [e.item for e in queue] == ["answer", "t"]
    assert [e.text for e in queue.clear()] == ["1. Subject?: Ocean", "add a title"] and len(queue) == 0
