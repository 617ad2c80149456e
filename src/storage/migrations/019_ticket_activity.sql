-- 工单: a ticket's activity log is read from the event log (GET /tickets/{id}/activity): its
-- events carry `ticketId` in their data. This index finds them without reading the log.
CREATE INDEX events_ticket_idx ON events (((data->>'ticketId')::bigint), id) WHERE (data->>'ticketId') IS NOT NULL;
