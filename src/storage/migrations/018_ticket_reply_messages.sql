-- 工单: a customer's message in a linked conversation is their reply to the ticket
-- (src/tickets/customer-replies.ts). The reply's SLA history entry names the message, once
-- per ticket, so a message delivered twice to the consumer is one reply.
ALTER TABLE ticket_sla_history ADD COLUMN message_id bigint;
CREATE UNIQUE INDEX ticket_sla_history_message_idx ON ticket_sla_history (ticket_id, message_id) WHERE message_id IS NOT NULL;
